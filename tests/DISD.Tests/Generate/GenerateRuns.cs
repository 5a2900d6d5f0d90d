using System.Text.Json;
using DISD.IO;
using DISD.Models;
using DISD.Tests.Cli;
using DISD.Tests.IO;
using DISD.Tokenization;

namespace DISD.Tests.Generate;

/// <summary>One generate-distribution run in its own temp folder: exit code, output, and its result folder.</summary>
public sealed class GenerateRun : IDisposable
{
    public const string Prompt = "What is the lower bound for sorting?";
    public const string Folder = "What_is_the_lower_bound_for_sorting";
    public static readonly string[] DemoIds = [EmbeddedModels.Large, EmbeddedModels.Medium, EmbeddedModels.Small];

    private readonly TempFolder _root = new();

    public GenerateRun(params string[] args)
        : this(_ => args)
    {
    }

    /// <summary>Runs with the arguments <paramref name="argsFor"/> gives for the temp folder (which it may fill first).</summary>
    public GenerateRun(Func<TempFolder, string[]> argsFor)
    {
        (ExitCode, Stdout, Stderr) = CliRunner.Run(["generate-distribution", "--data-dir", DataDir, .. argsFor(_root)]);
    }

    public int ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public string Root => _root.Path;

    public string DataDir => _root.File("data");

    public string ResultFolder(string folder = Folder) => Path.Combine(DataDir, folder);

    public string Table(string modelId, string folder = Folder) => Path.Combine(ResultFolder(folder), modelId + DistributionLocator.FileSuffix);

    public float[][] Read(string modelId, string folder = Folder) => DistributionCsv.ReadSingle(Table(modelId, folder));

    public byte[] Bytes(string fileName, string folder = Folder) => File.ReadAllBytes(Path.Combine(ResultFolder(folder), fileName));

    public IReadOnlyList<TokenRow> Tokens(string folder = Folder) => TokensCsv.Read(Path.Combine(ResultFolder(folder), TokensCsv.FileName)).Rows;

    public RunManifest Manifest(string folder = Folder) => RunManifest.Read(Path.Combine(ResultFolder(folder), RunManifest.FileName));

    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;

    /// <summary>Every file under the data folder, relative to it.</summary>
    public IReadOnlyList<string> DataFiles() =>
        Directory.Exists(DataDir)
            ? Directory.EnumerateFiles(DataDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(DataDir, f)).Order().ToList()
            : [];

    public void AssertSucceeded() => Assert.True(ExitCode == 0, Stderr);

    public static TextTokenizer DemoTokenizer() => TextTokenizer.Load(EmbeddedModels.PathOf(EmbeddedModels.Large));

    public void Dispose() => _root.Dispose();
}

/// <summary>The reference run the tests compare against: demo trio, 6 sampled tokens, seed 7, --json.</summary>
public sealed class SampledRun : IDisposable
{
    public const int Tokens = 6;
    public const ulong Seed = 7;

    public SampledRun()
    {
        Run = new GenerateRun("--input-text", GenerateRun.Prompt, "--num-tokens", $"{Tokens}", "--seed", $"{Seed}", "--json");
    }

    public GenerateRun Run { get; }

    public void Dispose() => Run.Dispose();
}
