using System.Text.Json;
using DISD.IO;
using DISD.Models.Loading;
using DISD.Tests.Cli;

namespace DISD.Tests.Generate;

/// <summary>generate-distribution --table-format safetensors against the CSV reference run of the same request.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GenerateSafetensorsTests(SampledRun sampled) : IClassFixture<SampledRun>
{
    private GenerateRun Reference => sampled.Run;

    private static GenerateRun Binary() => new("--input-text", GenerateRun.Prompt, "--num-tokens", $"{SampledRun.Tokens}", "--seed", $"{SampledRun.Seed}",
        "--table-format", "safetensors", "--json");

    [Fact]
    public void SafetensorsTablesHoldTheCsvTablesFloatsBitForBitWithModelAndRunIdInTheirMetadata()
    {
        Reference.AssertSucceeded();
        using var run = Binary();
        run.AssertSucceeded();

        string[] expected = [.. GenerateRun.DemoIds.Select(id => id + DistributionTables.SafetensorsSuffix), RunManifest.FileName, TokensCsv.FileName];
        Assert.Equal(expected.Select(f => Path.Combine(GenerateRun.Folder, f)).Order(), run.DataFiles());
        var manifest = run.Manifest();
        Assert.Equal(Reference.Manifest().RunId, manifest.RunId);
        Assert.Equal(GenerateRun.DemoIds.Select(id => id + DistributionTables.SafetensorsSuffix), manifest.Models.Select(m => m.Csv));
        Assert.Equal(Reference.Bytes(TokensCsv.FileName), run.Bytes(TokensCsv.FileName));
        foreach (var id in GenerateRun.DemoIds)
        {
            var path = Path.Combine(run.ResultFolder(), id + DistributionTables.SafetensorsSuffix);
            var csvBits = Reference.Read(id).SelectMany(r => r).Select(BitConverter.SingleToInt32Bits);
            Assert.Equal(csvBits, DistributionTables.ReadSingle(path).SelectMany(r => r).Select(BitConverter.SingleToInt32Bits));
            using var file = SafetensorsFile.Open(path);
            Assert.Equal(id, file.Metadata[DistributionSafetensors.ModelKey]);
            Assert.Equal(manifest.RunId, file.Metadata[DistributionSafetensors.RunIdKey]);
        }

        var tables = run.Json().GetProperty("prompts")[0].GetProperty("probability_tables").EnumerateArray().Select(t => t.GetString());
        Assert.All(tables, t => Assert.EndsWith(DistributionTables.SafetensorsSuffix, t));
    }

    [Fact]
    public void PlotCouplingAndReportReadTheSafetensorsRunByModelNameAndGiveTheCsvRunsResults()
    {
        using var csv = new GenerateRun("--input-text", GenerateRun.Prompt, "--num-tokens", $"{SampledRun.Tokens}", "--seed", $"{SampledRun.Seed}");
        using var binary = Binary();
        csv.AssertSucceeded();
        binary.AssertSucceeded();

        foreach (var run in new[] { csv, binary })
        {
            var (code, _, stderr) = CliRunner.Run("plot-coupling", "--input-text", GenerateRun.Prompt, "--data-dir", run.DataDir,
                "--img-dir", Path.Combine(run.Root, "img"), "--num-retries", "300", "--seed", "5");
            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("no manifest.json", stderr);
        }

        var results = $"coupling_{DISD.Models.EmbeddedModels.Large}_vs_{DISD.Models.EmbeddedModels.Small}.csv";
        Assert.Equal(csv.Bytes(results), binary.Bytes(results));
        var report = CliRunner.Run("report", "--data-dir", binary.DataDir, "--report-dir", Path.Combine(binary.Root, "report"), "--json");
        Assert.True(report.ExitCode == 0, report.Stderr);
    }

    [Fact]
    public void SkipExistingSkipsOnlyTablesOfTheRequestedFormat()
    {
        using var run = Binary();
        run.AssertSucceeded();
        string[] Again(string format) => ["generate-distribution", "--data-dir", run.DataDir, "--input-text", GenerateRun.Prompt,
            "--num-tokens", $"{SampledRun.Tokens}", "--seed", $"{SampledRun.Seed}", "--table-format", format, "--skip-existing"];

        var same = CliRunner.Run(Again("safetensors"));
        Assert.True(same.ExitCode == 0, same.Stderr);
        Assert.Contains("skipped, ", same.Stderr);
        Assert.Contains("holds run", same.Stderr);

        var other = CliRunner.Run(Again("csv"));
        Assert.True(other.ExitCode == 0, other.Stderr);
        Assert.DoesNotContain("holds run", other.Stderr);
        string[] expected = [.. GenerateRun.DemoIds.Select(id => id + DistributionLocator.FileSuffix), RunManifest.FileName, TokensCsv.FileName];
        Assert.Equal(expected.Select(f => Path.Combine(GenerateRun.Folder, f)).Order(), run.DataFiles());
        Assert.Equal(run.Manifest().RunId, run.Manifest().WithContentRunId().RunId);
    }

    [Fact]
    public void HelpNamesBothFormatsAndTheCsvDefault()
    {
        var (code, stdout, _) = CliRunner.Run("generate-distribution", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--table-format", stdout);
        Assert.Contains("safetensors", stdout);
        Assert.Contains("[default: csv]", stdout);
    }

    [Fact]
    public void AnUnknownFormatIsAUsageError()
    {
        using var run = new GenerateRun("--input-text", GenerateRun.Prompt, "--table-format", "npy");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--table-format", run.Stderr);
        Assert.Empty(run.DataFiles());
    }
}
