using System.Text.Json;

namespace DISD.Tests.Tokenization;

public sealed record TokenizerCase(string Text, int[] Ids, string Decoded)
{
    public override string ToString() => JsonSerializer.Serialize(Text);
}

internal static class TokenizerFixtures
{
    public static string Dir(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "tokenizers", name);

    public static IReadOnlyList<TokenizerCase> Cases(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(name), "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new TokenizerCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("decoded").GetString()!))
            .ToList();
    }

    public static TheoryData<int> CaseIndices(string name)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Cases(name).Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder holding DISD.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>A fresh temp folder holding copies of <paramref name="files"/>, deleted on dispose.</summary>
    public static TempDir CopyToTemp(params string[] files)
    {
        var temp = new TempDir();
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(temp.Path, System.IO.Path.GetFileName(file)));
        }

        return temp;
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "disd-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relativePath, string content)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
