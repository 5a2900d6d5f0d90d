using System.Text;
using System.Text.Json.Nodes;
using DISD.Models;
using DISD.Tests.Cli;
using DISD.Tests.IO;

namespace DISD.Tests.Hardening;

/// <summary>
/// One hostile or careless invocation: a copy of the small demo checkpoint (edited by the case), the CLI run in process,
/// and the checks every bad input must pass: exit code 2, exactly one stderr line "disd: error: …" naming the culprit,
/// nothing on stdout, and no file left behind (the folder holds what it held before the run).
/// </summary>
internal sealed class HardeningRun : IDisposable
{
    private readonly TempFolder _root = new();

    public HardeningRun(Action<HardeningRun>? prepare = null)
    {
        Model = _root.File("bad-model");
        Directory.CreateDirectory(Model);
        var source = EmbeddedModels.PathOf(EmbeddedModels.Small);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(Model, Path.GetFileName(file)));
        }
        prepare?.Invoke(this);
    }

    /// <summary>The checkpoint folder the case corrupts.</summary>
    public string Model { get; }

    public string Root => _root.Path;

    public string DataDir => _root.File("data");

    public string ModelFile(string name) => Path.Combine(Model, name);

    public void EditConfig(Action<JsonObject> edit, string file = "config.json")
    {
        var config = JsonNode.Parse(File.ReadAllText(ModelFile(file)))!.AsObject();
        edit(config);
        File.WriteAllText(ModelFile(file), config.ToJsonString());
    }

    public void WriteModelFile(string name, string text) => File.WriteAllText(ModelFile(name), text, new UTF8Encoding(false));

    public void WriteModelFile(string name, byte[] bytes) => File.WriteAllBytes(ModelFile(name), bytes);

    /// <summary>A safetensors file with <paramref name="header"/> (padded to 8 bytes) followed by <paramref name="data"/>.</summary>
    public static byte[] Safetensors(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var padded = json.Concat(Enumerable.Repeat((byte)' ', (8 - json.Length % 8) % 8)).ToArray();
        return BitConverter.GetBytes((ulong)padded.Length).Concat(padded).Concat(data).ToArray();
    }

    /// <summary>Runs <c>generate-distribution</c> with the corrupted copy as the large model and the demo small model.</summary>
    public (int ExitCode, string Stdout, string Stderr) Generate(params string[] extra) =>
        Cli(["generate-distribution", "--model-large", Model, "--model-small", EmbeddedModels.Small, "--input-text", "What is a lion?",
            "--num-tokens", "2", "--data-dir", DataDir, .. extra]);

    public (int ExitCode, string Stdout, string Stderr) Cli(params string[] args)
    {
        var before = _root.AllFiles();
        var result = CliRunner.Run(args);
        AssertCleanFailure(result, before);
        return result;
    }

    /// <summary>Set by <see cref="Cli"/>: the culprit the case expects in the message.</summary>
    public string? Culprit { get; set; }

    private void AssertCleanFailure((int ExitCode, string Stdout, string Stderr) result, IReadOnlyList<string> before)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("loading models", StringComparison.Ordinal) && !IsVerbLog(l)).ToArray();
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}: {result.Stderr}");
        Assert.StartsWith("disd: error: ", lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
        if (Culprit is not null)
            Assert.Contains(Culprit, lines[0]);
        Assert.Empty(result.Stdout);
        Assert.Equal(before, _root.AllFiles());
        Assert.False(Directory.Exists(DataDir) && Directory.EnumerateFileSystemEntries(DataDir, "*", SearchOption.AllDirectories).Any(),
            "the data folder holds debris");
    }

    /// <summary>Progress and notes a verb logs on stderr ("plot-coupling: …"), as opposed to the error line.</summary>
    private static bool IsVerbLog(string line) =>
        new[] { "generate-distribution: ", "plot-coupling: ", "speculate: " }.Any(prefix => line.StartsWith(prefix, StringComparison.Ordinal));

    public void Dispose() => _root.Dispose();
}
