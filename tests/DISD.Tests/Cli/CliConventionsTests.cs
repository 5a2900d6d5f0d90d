using System.Text.Json;
using DISD.Tests.IO;

namespace DISD.Tests.Cli;

/// <summary>What every verb shares: a bare `disd`, prompts from standard input, counts and paths in the logs.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliConventionsTests : IDisposable
{
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void BareDisdPrintsTheHelpInsteadOfAnError()
    {
        var (code, stdout, stderr) = CliRunner.Run();

        Assert.Equal(0, code);
        Assert.DoesNotContain("disd: error", stderr);
        Assert.Contains("Usage:", stdout);
        Assert.Contains("generate-distribution", stdout);
    }

    [Fact]
    public void PromptsFileDashReadsStandardInput()
    {
        var (code, stdout, stderr) = WithStandardInput("What is a lion?\n\nWhat is a cat?\n",
            () => CliRunner.Run("generate-distribution", "--prompts-file", "-", "--num-tokens", "1", "--data-dir", _root.File("data"), "--json"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["What is a lion?", "What is a cat?"],
            json.RootElement.GetProperty("prompts").EnumerateArray().Select(p => p.GetProperty("input_text").GetString()));
        Assert.True(Directory.Exists(_root.File("data", "What_is_a_cat")));
        // One token and one of the two prompt lines read as words, and the log names folders by full path only.
        Assert.Contains("× 1 token,", stderr);
        Assert.Contains("generated 1 token in", stderr);
        Assert.Contains($"wrote {_root.File("data", "What_is_a_lion")} ", stderr);
    }

    [Fact]
    public void SpeculateReadsPromptsFromStandardInputAndNamesBothModelsAndTheDraftCount()
    {
        var (code, stdout, stderr) = WithStandardInput("What is a lion?\n",
            () => CliRunner.Run("speculate", "--prompts-file", "-", "--max-new-tokens", "1", "--json"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Single(json.RootElement.GetProperty("prompts").EnumerateArray());
        Assert.Contains("speculate: target gemma2-wordnet-large, drafter gemma2-wordnet-small,", stderr);
        Assert.Contains(", num-drafts 1,", stderr);
        Assert.Contains("speculate: 1 prompt, 1 token;", stderr);
    }

    [Fact]
    public void ManifestNamesItsTablesRelativeToItsFolderSoACopyStaysTrue()
    {
        var (code, _, stderr) = CliRunner.Run("generate-distribution", "--input-text", "What is a lion?", "--num-tokens", "1",
            "--data-dir", _root.File("data"));

        Assert.True(code == 0, stderr);
        var manifest = DISD.IO.RunManifest.Read(_root.File("data", "What_is_a_lion", DISD.IO.RunManifest.FileName));
        Assert.Equal(["gemma2-wordnet-large_probs.csv", "gemma2-wordnet-medium_probs.csv", "gemma2-wordnet-small_probs.csv"],
            manifest.Models.Select(m => m.Csv));
        Assert.DoesNotContain(_root.Path, File.ReadAllText(_root.File("data", "What_is_a_lion", DISD.IO.RunManifest.FileName)));
    }

    private static (int Code, string Stdout, string Stderr) WithStandardInput(string text, Func<(int, string, string)> run)
    {
        var old = Console.In;
        Console.SetIn(new StringReader(text));
        try
        {
            return run();
        }
        finally
        {
            Console.SetIn(old);
        }
    }
}
