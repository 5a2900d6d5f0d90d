using System.Text.Json;
using DISD.IO;
using DISD.Tests.IO;

namespace DISD.Tests.Cli;

/// <summary>plot-coupling on bare <c>&lt;model&gt;_probs.safetensors</c> tables (no manifest beside them), against the same tables as CSV.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PlotCouplingSafetensorsTests : IDisposable
{
    private const string Text = "Is this a test?";
    private const string Folder = "Is_this_a_test";
    private const int Vocab = 64;
    private const int Rows = 5;
    private readonly TempFolder _root = new();
    private readonly float[][] _large = RawSafetensors.RandomRows(1, Rows, Vocab);
    private readonly float[][] _small = RawSafetensors.RandomRows(2, Rows, Vocab);

    public void Dispose() => _root.Dispose();

    private string Data(string format) => _root.File(format);

    private string DataFile(string format, string name) => Path.Combine(Data(format), Folder, name);

    private void WriteTables(string format)
    {
        Directory.CreateDirectory(Path.Combine(Data(format), Folder));
        if (format == "csv")
        {
            DistributionCsv.Write(DataFile(format, "org-large_probs.csv"), _large);
            DistributionCsv.Write(DataFile(format, "small_probs.csv"), _small);
        }
        else
        {
            File.WriteAllBytes(DataFile(format, "org-large_probs.safetensors"), RawSafetensors.Table(_large));
            File.WriteAllBytes(DataFile(format, "small_probs.safetensors"), RawSafetensors.Table(_small));
        }
    }

    private (int Code, string Stdout, string Stderr) Plot(string format, params string[] extra) => CliRunner.Run(
        ["plot-coupling", "--model-large", "org/large", "--model-small", "someone/small", "--input-text", Text, "--data-dir", Data(format),
            "--img-dir", _root.File("img-" + format), "--num-retries", "500", "--seed", "3", "--list-sizes", "2", .. extra]);

    [Fact]
    public void BareSafetensorsTablesGiveTheResultsTableOfTheirCsvByteForByte()
    {
        WriteTables("csv");
        WriteTables("st");

        var csv = Plot("csv", "--json");
        var binary = Plot("st", "--json");

        Assert.True(csv.Code == 0, csv.Stderr);
        Assert.True(binary.Code == 0, binary.Stderr);
        using var json = JsonDocument.Parse(binary.Stdout);
        Assert.Equal(Path.GetFullPath(DataFile("st", "org-large_probs.safetensors")), json.RootElement.GetProperty("csv_large").GetString());
        Assert.Equal(Rows, json.RootElement.GetProperty("num_tokens").GetInt32());
        const string results = "coupling_org-large_vs_someone-small.csv";
        Assert.Equal(File.ReadAllBytes(DataFile("csv", results)), File.ReadAllBytes(DataFile("st", results)));
        Assert.Equal(File.ReadAllBytes(_root.File("img-csv", Folder + ".png")), File.ReadAllBytes(_root.File("img-st", Folder + ".png")));
    }

    [Fact]
    public void WithFewerPositionsThanTheTableHoldsTheResultsStillEqualTheCsvOnes()
    {
        WriteTables("csv");
        WriteTables("st");

        var csv = Plot("csv", "--num-tokens", "2");
        var binary = Plot("st", "--num-tokens", "2");

        Assert.True(csv.Code == 0, csv.Stderr);
        Assert.True(binary.Code == 0, binary.Stderr);
        const string results = "coupling_org-large_vs_someone-small.csv";
        Assert.Equal(3, File.ReadAllLines(DataFile("st", results)).Length);
        Assert.Equal(File.ReadAllBytes(DataFile("csv", results)), File.ReadAllBytes(DataFile("st", results)));
    }

    [Fact]
    public void ABadRowBeyondTheMeasuredPositionsIsStillRefusedAsInACsvTable()
    {
        WriteTables("st");
        var rows = RawSafetensors.RandomRows(2, Rows, Vocab);
        rows[Rows - 1][7] = -rows[Rows - 1][7];
        var bad = DataFile("st", "small_probs.safetensors");
        File.WriteAllBytes(bad, RawSafetensors.Table(rows));

        var (code, _, stderr) = Plot("st", "--num-tokens", "1");

        Assert.Equal(2, code);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains($"{bad}: row {Rows} (position {Rows - 1}), column 8 (token 7)", error);
        Assert.Contains("is negative", error);
        AssertNoOutputs("st");
    }

    [Fact]
    public void ReportReadsResultsOfSafetensorsTablesAndNamesAFolderOfBareUnmeasuredOnes()
    {
        WriteTables("st");
        var plot = Plot("st", "--num-tokens", "2");
        Assert.True(plot.Code == 0, plot.Stderr);
        var unmeasured = Path.Combine(Data("st"), "Unmeasured");
        Directory.CreateDirectory(unmeasured);
        File.WriteAllBytes(Path.Combine(unmeasured, "m_probs.safetensors"), RawSafetensors.Table(_small));

        var (code, stdout, stderr) = CliRunner.Run("report", "--data-dir", Data("st"), "--report-dir", _root.File("report"), "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("prompts").GetInt32());
        var leftOut = Assert.Single(json.RootElement.GetProperty("left_out").EnumerateArray());
        Assert.Equal("Unmeasured", leftOut.GetProperty("folder").GetString());
        Assert.Contains("distribution tables without plot-coupling results", leftOut.GetProperty("reason").GetString());
    }

    [Fact]
    public void SafetensorsPathsAreAcceptedAndNeedNoModelNames()
    {
        WriteTables("st");

        var (code, stdout, stderr) = CliRunner.Run("plot-coupling", "--model-large", DataFile("st", "org-large_probs.safetensors"),
            "--model-small", DataFile("st", "small_probs.safetensors"), "--input-text", Text, "--data-dir", Data("st"),
            "--img-dir", _root.File("img"), "--num-tokens", "2", "--num-retries", "100", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.EndsWith("coupling_org-large_vs_small.csv", json.RootElement.GetProperty("results_csv").GetString());
    }

    [Fact]
    public void ATableInEachFormatForOneModelIsRefusedNamingBoth()
    {
        WriteTables("st");
        DistributionCsv.Write(DataFile("st", "small_probs.csv"), _small);

        var (code, _, stderr) = Plot("st");

        Assert.Equal(2, code);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains("small_probs.csv", error);
        Assert.Contains("small_probs.safetensors", error);
        AssertNoOutputs("st");
    }

    public static TheoryData<string, string> BadTables() => new()
    {
        { "dtype", "is F64, expected F32" },
        { "rank", "expected [positions, V]" },
        { "name", "no tensor named 'probs'" },
        { "truncated", "truncated file?" },
        { "nan", "NaN is not finite" },
        { "negative", "is negative" },
        { "sum", "sums to 0.5" },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public void ABadSafetensorsTableIsOneErrorLineNamingTheFileAndNothingIsWritten(string defect, string expected)
    {
        WriteTables("st");
        var bad = DataFile("st", "small_probs.safetensors");
        File.WriteAllBytes(bad, DistributionSafetensorsTests.Broken(defect));

        var (code, stdout, stderr) = Plot("st");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains(bad, error);
        Assert.Contains(expected, error);
        AssertNoOutputs("st");
    }

    [Fact]
    public void AnotherVocabularyThanItsPartnerNamesBothFiles()
    {
        WriteTables("st");
        File.WriteAllBytes(DataFile("st", "small_probs.safetensors"), RawSafetensors.Table(RawSafetensors.RandomRows(3, Rows, Vocab / 2)));

        var (code, _, stderr) = Plot("st");

        Assert.Equal(2, code);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains($"{DataFile("st", "org-large_probs.safetensors")} has V = {Vocab}", error);
        Assert.Contains($"{DataFile("st", "small_probs.safetensors")} has V = {Vocab / 2}", error);
        AssertNoOutputs("st");
    }

    private void AssertNoOutputs(string format)
    {
        Assert.False(Directory.Exists(_root.File("img-" + format)));
        Assert.DoesNotContain(_root.AllFiles(), f => f.Contains("coupling_", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
