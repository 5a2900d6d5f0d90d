using DISD.IO;
using DISD.Models;
using DISD.Tests.IO;

namespace DISD.Tests.Generate;

public sealed class GenerateOutputsTests
{
    [Fact]
    public void AStagedFolderAppearsOnlyOnCommit()
    {
        using var root = new TempFolder();
        var target = root.File("data", "prompt");
        using (var staged = new StagedFolder(target))
        {
            File.WriteAllText(staged.Stage("a.csv"), "a");
            File.WriteAllText(staged.Stage("b.json"), "b");
            Assert.False(Directory.Exists(target));
            staged.Commit();
        }

        Assert.Equal([Path.Combine("data", "prompt", "a.csv"), Path.Combine("data", "prompt", "b.json")], root.AllFiles());
        Assert.Equal("b", File.ReadAllText(Path.Combine(target, "b.json")));
    }

    [Fact]
    public void AnUncommittedStagedFolderLeavesNothingAndKeepsOlderResults()
    {
        using var root = new TempFolder();
        var target = root.File("data", "prompt");
        var old = root.WriteText(Path.Combine("data", "prompt", "a.csv"), "old");
        using (var staged = new StagedFolder(target))
        {
            File.WriteAllText(staged.Stage("a.csv"), "new");
            File.WriteAllText(staged.Stage("b.json"), "b");
        }

        Assert.Equal([Path.Combine("data", "prompt", "a.csv")], root.AllFiles());
        Assert.Equal("old", File.ReadAllText(old));
    }

    [Fact]
    public void TokensCsvRoundTripsAwkwardTokenTextsAndExactProbabilities()
    {
        using var root = new TempFolder();
        var path = root.File(TokensCsv.FileName);
        string[] texts = ["▁a,b", "\"quoted\"", "=SUM(A1)", " lead", "-", "line\nbreak"];
        int[] ids = [0, 1, 2, 3, 4, 5];
        var random = new Random(3);
        float[][] Table() => ids.Select(_ => Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble() / 7).ToArray()).ToArray();
        var tables = new[] { Table(), Table() };
        using (var stream = File.Create(path))
        {
            TokensCsv.Write(stream, ["org-large", "small"], ids, texts, tables);
        }

        var (models, rows) = TokensCsv.Read(path);
        Assert.Equal(["org-large", "small"], models);
        Assert.Equal(texts, rows.Select(r => r.TokenText));
        Assert.Equal(ids, rows.Select(r => r.TokenId));
        Assert.Equal(ids, rows.Select(r => r.Step));
        for (var s = 0; s < ids.Length; s++)
        {
            Assert.Equal([tables[0][s][ids[s]], tables[1][s][ids[s]]], rows[s].Probabilities);
        }

        Assert.StartsWith("step,token_id,token_text,prob_org-large,prob_small\n", File.ReadAllText(path));
    }

    [Fact]
    public void EmbeddedNamesResolveToTheCopyNextToTheAssemblyUnlessALocalFolderHasThatName()
    {
        foreach (var name in EmbeddedModels.Names)
        {
            Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", name), EmbeddedModels.Resolve(name));
            Assert.True(File.Exists(Path.Combine(EmbeddedModels.Resolve(name), "model.safetensors")));
        }

        Assert.False(EmbeddedModels.IsEmbeddedName("org/gemma2-wordnet-large"));
        var error = Assert.Throws<DisdException>(() => EmbeddedModels.PathOf("gemma2-wordnet-huge"));
        Assert.Contains("not an embedded model", error.Message);
    }
}
