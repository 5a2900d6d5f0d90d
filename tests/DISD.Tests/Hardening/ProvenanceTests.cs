using System.Buffers.Binary;
using System.Text;
using DISD.IO;
using DISD.Models;
using DISD.Plotting;
using DISD.Tests.Cli;
using DISD.Tests.IO;

namespace DISD.Tests.Hardening;

/// <summary>
/// plot-coupling pairs only tables of one generate-distribution run and records which run in its results; a second
/// run into the same folder ("What is a lion?" and "What is a lion" share one) leaves none of the first run's tables.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProvenanceTests : IDisposable
{
    private const string Folder = "What_is_a_lion";
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    private string Data(string name = "data") => _root.File(name);

    private string Table(string model, string data = "data") => Path.Combine(Data(data), Folder, model + DistributionLocator.FileSuffix);

    private void Generate(string prompt, ulong seed, string data = "data", params string[] models)
    {
        var (code, _, stderr) = CliRunner.Run(["generate-distribution", "--input-text", prompt, "--num-tokens", "4", "--seed", $"{seed}",
            "--data-dir", Data(data), .. models]);
        Assert.True(code == 0, stderr);
    }

    private (int Code, string Stderr) Plot(string large, string small, params string[] extra)
    {
        var (code, _, stderr) = CliRunner.Run(["plot-coupling", "--input-text", "What is a lion", "--model-large", large, "--model-small", small,
            "--num-tokens", "4", "--num-retries", "200", "--data-dir", Data(), "--img-dir", _root.File("img"), .. extra]);
        return (code, stderr);
    }

    private static string OneErrorLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines, line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
    }

    [Fact]
    public void ASecondRunWithOtherModelsLeavesNoneOfTheFirstRunsTables()
    {
        Generate("What is a lion?", 1);
        Generate("What is a lion", 2, "data", "--model-large", EmbeddedModels.Large, "--model-small", EmbeddedModels.Small);

        var manifest = ResultFolderChecks.AssertWhole(Path.Combine(Data(), Folder));
        Assert.Equal(2UL, manifest.Seed);
        Assert.False(File.Exists(Table(EmbeddedModels.Medium)));
        var (code, stderr) = Plot(EmbeddedModels.Large, EmbeddedModels.Medium);
        Assert.Equal(2, code);
        Assert.Contains("no distribution table", OneErrorLine(stderr));
    }

    [Fact]
    public void ATableTheManifestDoesNotListIsRefused()
    {
        Generate("What is a lion?", 1, "other");
        Generate("What is a lion", 2, "data", "--model-large", EmbeddedModels.Large, "--model-small", EmbeddedModels.Small);
        // As an older disd left it: a table of another run beside this run's files.
        File.Copy(Table(EmbeddedModels.Medium, "other"), Table(EmbeddedModels.Medium));

        var (code, stderr) = Plot(EmbeddedModels.Large, EmbeddedModels.Medium);

        Assert.Equal(2, code);
        var error = OneErrorLine(stderr);
        Assert.Contains($"{EmbeddedModels.Medium}_probs.csv is not a table of the run recorded in", error);
        Assert.Contains("rerun generate-distribution", error);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Data(), Folder), "coupling_*"));
        Assert.False(Directory.Exists(_root.File("img")) && Directory.EnumerateFiles(_root.File("img")).Any());
    }

    [Fact]
    public void TablesOfDifferentRunsAreRefusedNamingTheDifference()
    {
        Generate("What is a lion?", 1, "data");
        Generate("What is a lion?", 2, "other");

        var (code, stderr) = Plot(Table(EmbeddedModels.Large), Table(EmbeddedModels.Small, "other"));

        Assert.Equal(2, code);
        var error = OneErrorLine(stderr);
        Assert.Contains("come from different generate-distribution runs", error);
        Assert.Matches(@"\((different generated tokens|seed 1 vs 2)\)", error);
    }

    [Fact]
    public void TheResultsAndTheFigureRecordTheRun()
    {
        Generate("What is a lion", 1);
        var runId = RunManifest.Read(Path.Combine(Data(), Folder, RunManifest.FileName)).RunId;
        Assert.Matches("^[0-9a-f]{32}$", runId);

        var (code, stderr) = Plot(EmbeddedModels.Large, EmbeddedModels.Small);

        Assert.True(code == 0, stderr);
        var results = File.ReadAllLines(Path.Combine(Data(), Folder, $"coupling_{EmbeddedModels.Large}_vs_{EmbeddedModels.Small}.csv"));
        Assert.EndsWith(",RunId", results[0]);
        Assert.All(results.Skip(1), line => Assert.EndsWith("," + runId, line));
        var text = PngTextChunks(File.ReadAllBytes(_root.File("img", Folder + ".png")));
        Assert.Equal(runId, text["disd:run_id"]);
        Assert.Equal($"coupling_{EmbeddedModels.Large}_vs_{EmbeddedModels.Small}.csv", text["disd:results"]);
        Assert.Empty(ResultFolderChecks.Debris(_root.Path));
    }

    [Fact]
    public void PngCrcMatchesTheStandardCheckValueAndTheEncodersOwnChunks()
    {
        Assert.Equal(0xCBF43926u, FigureMetadata.Crc32("123456789"u8));
        Assert.Equal(0xAE426082u, FigureMetadata.Crc32("IEND"u8));
        var png = CouplingFigure.Render("t", Plotting.CouplingFigureTests.SampleResults(), FigureFormat.Png);
        // IHDR's CRC as SkiaSharp's encoder wrote it.
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(29, 4)), FigureMetadata.Crc32(png.AsSpan(12, 17)));
    }

    /// <summary>The tEXt chunks of a PNG, each CRC checked.</summary>
    private static Dictionary<string, string> PngTextChunks(byte[] png)
    {
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var at = 8; at < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at, 4));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length, 4)), FigureMetadata.Crc32(typeAndData));
            if (Encoding.ASCII.GetString(typeAndData[..4]) == "tEXt")
            {
                var data = typeAndData[4..];
                var zero = data.IndexOf((byte)0);
                text[Encoding.Latin1.GetString(data[..zero])] = Encoding.Latin1.GetString(data[(zero + 1)..]);
            }

            at += 12 + length;
        }

        return text;
    }
}
