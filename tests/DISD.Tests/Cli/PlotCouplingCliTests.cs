using System.Globalization;
using System.Text.Json;
using DISD.IO;
using DISD.Tests.IO;

namespace DISD.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class PlotCouplingCliTests : IDisposable
{
    private const string Text = "Is this a test?";
    private const string Folder = "Is_this_a_test";
    private const int Vocab = 64;
    private const int Rows = 8;
    private readonly TempFolder _root = new();
    private readonly double[][] _large;
    private readonly double[][] _small;

    public PlotCouplingCliTests()
    {
        _large = Table(new Random(1), sharpness: 3);
        _small = Table(new Random(2), sharpness: 1);
        DistributionCsv.Write(DataFile("org-large_probs.csv"), _large);
        DistributionCsv.Write(DataFile("small_probs.csv"), _small);
    }

    public void Dispose() => _root.Dispose();

    private string DataDir => _root.File("data");

    private string ImgDir => _root.File("img");

    private string DataFile(string name) => Path.Combine(DataDir, Folder, name);

    /// <summary>The arguments of a normal run; <paramref name="extra"/> adds flags and options or replaces the values of those already given.</summary>
    private string[] Args(params string[] extra)
    {
        var args = new List<string>
        {
            "plot-coupling", "--model_large", "org/large", "--model-small", "someone/small", "--input_text", Text,
            "--data-dir", DataDir, "--img-dir", ImgDir, "--num-tokens", $"{Rows}", "--num-retries", "4000", "--seed", "7",
        };
        for (var i = 0; i < extra.Length; i++)
        {
            var hasValue = i + 1 < extra.Length && !extra[i + 1].StartsWith("--", StringComparison.Ordinal);
            var at = args.IndexOf(extra[i]);
            if (at >= 0 && hasValue)
            {
                args[at + 1] = extra[++i];
            }
            else
            {
                args.Add(extra[i]);
                if (hasValue)
                {
                    args.Add(extra[++i]);
                }
            }
        }

        return args.ToArray();
    }

    [Fact]
    public void WritesTheFigureTheResultsAndTheJsonSummary()
    {
        var (code, stdout, stderr) = CliRunner.Run(Args("--json"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var summary = json.RootElement;
        Assert.Equal(Text, summary.GetProperty("input_text").GetString());
        Assert.Equal("org/large", summary.GetProperty("model_large").GetString());
        Assert.Equal(Path.GetFullPath(DataFile("org-large_probs.csv")), summary.GetProperty("csv_large").GetString());
        Assert.Equal(Path.GetFullPath(DataFile("small_probs.csv")), summary.GetProperty("csv_small").GetString());
        Assert.Equal(Vocab, summary.GetProperty("vocab_size").GetInt32());
        Assert.Equal(Rows, summary.GetProperty("num_tokens").GetInt32());
        Assert.Equal(4000, summary.GetProperty("num_retries").GetInt32());
        Assert.Equal("race", summary.GetProperty("engine").GetString());
        Assert.StartsWith("with every x86-64 CPU", summary.GetProperty("bit_identical").GetString());
        Assert.Equal(7UL, summary.GetProperty("seed").GetUInt64());

        var figure = summary.GetProperty("figure").GetString()!;
        Assert.Equal(Path.GetFullPath(Path.Combine(ImgDir, Folder + ".png")), figure);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(figure)[..4]);

        var positions = summary.GetProperty("positions").EnumerateArray().ToArray();
        Assert.Equal(Rows, positions.Length);
        for (var i = 0; i < Rows; i++)
        {
            var position = positions[i];
            Assert.Equal(i, position.GetProperty("token").GetInt32());
            Assert.Equal(TotalVariation(_large[i], _small[i]), position.GetProperty("dtv").GetDouble(), 12);
            var exact = GumbelAgreement(_large[i], _small[i]);
            Assert.Equal(exact, position.GetProperty("gumbel_exact").GetDouble(), 10);
            var rate = position.GetProperty("gumbel").GetDouble();
            var stdErr = position.GetProperty("gumbel_std_err").GetDouble();
            Assert.InRange(rate, exact - 5 * stdErr - 1e-3, exact + 5 * stdErr + 1e-3);
            Assert.Equal(4000, position.GetProperty("retries").GetInt32());
        }

        Assert.Equal(positions.Average(p => p.GetProperty("dtv").GetDouble()), summary.GetProperty("mean_dtv").GetDouble(), 12);
        Assert.Equal(positions.Average(p => p.GetProperty("wmh").GetDouble()), summary.GetProperty("mean_wmh").GetDouble(), 12);

        var resultsCsv = summary.GetProperty("results_csv").GetString()!;
        Assert.Equal(Path.GetFullPath(DataFile("coupling_org-large_vs_someone-small.csv")), resultsCsv);
        var lines = File.ReadAllLines(resultsCsv);
        Assert.Equal(string.Join(',', CouplingResultsCsv.Columns), lines[0]);
        Assert.Equal(Rows + 1, lines.Length);
        for (var i = 0; i < Rows; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), fields[0]);
            Assert.Equal(positions[i].GetProperty("dtv").GetDouble(), double.Parse(fields[1], CultureInfo.InvariantCulture));
            Assert.Equal(positions[i].GetProperty("gumbel").GetDouble(), double.Parse(fields[2], CultureInfo.InvariantCulture));
        }

        Assert.Contains("mean D_TV", stderr);
        Assert.Equal(
            [Path.Combine("data", Folder, "coupling_org-large_vs_someone-small.csv"), Path.Combine("data", Folder, "coupling_org-large_vs_someone-small.json"),
                Path.Combine("data", Folder, "org-large_probs.csv"),
                Path.Combine("data", Folder, "small_probs.csv"), Path.Combine("img", Folder + ".png")],
            _root.AllFiles());
    }

    [Fact]
    public void WithoutJsonStdoutStaysEmptyAndSvgIsWritten()
    {
        var (code, stdout, stderr) = CliRunner.Run(Args("--format", "svg", "--num-tokens", "3"));

        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        Assert.Contains("</svg>", File.ReadAllText(Path.Combine(ImgDir, Folder + ".svg")));
    }

    [Fact]
    public void DenseEngineOnTheCpuAgreesWithTheExactRates()
    {
        var (code, stdout, stderr) = CliRunner.Run(Args("--json", "--mc", "dense", "--device", "cpu", "--num-tokens", "2"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("dense", json.RootElement.GetProperty("engine").GetString());
        Assert.StartsWith("not promised across CPUs", json.RootElement.GetProperty("bit_identical").GetString());
        foreach (var position in json.RootElement.GetProperty("positions").EnumerateArray())
        {
            var exact = position.GetProperty("gumbel_exact").GetDouble();
            var stdErr = position.GetProperty("gumbel_std_err").GetDouble();
            Assert.InRange(position.GetProperty("gumbel").GetDouble(), exact - 5 * stdErr - 1e-3, exact + 5 * stdErr + 1e-3);
        }
    }

    [Fact]
    public void DirectCsvPathsAreAccepted()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            "plot-coupling", "--model-large", DataFile("org-large_probs.csv"), "--model-small", DataFile("small_probs.csv"),
            "--input-text", Text, "--data-dir", DataDir, "--img-dir", ImgDir, "--num-tokens", "2", "--num-retries", "100", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.EndsWith("coupling_org-large_vs_small.csv", json.RootElement.GetProperty("results_csv").GetString());
    }

    [Theory]
    [InlineData("--num-tokens", "0", "--num-tokens must be positive")]
    [InlineData("--num-retries", "-5", "--num-retries must be positive")]
    [InlineData("--num-tokens", "9", "--num-tokens 9 exceeds the 8 rows of")]
    [InlineData("--model-small", "org/missing", "org-missing_probs.csv")]
    [InlineData("--mc", "fast", "--mc: Argument 'fast' not recognized")]
    [InlineData("--format", "gif", "--format: Argument 'gif' not recognized")]
    [InlineData("--device", "tpu", "--device 'tpu' is not a device")]
    [InlineData("--img-dir", "", "--img-dir is empty; expected a folder")]
    [InlineData("--model_large", "", "--model-large is empty")]
    [InlineData("--model-small", " ", "--model-small is empty")]
    [InlineData("--data-dir", " ", "--data-dir is empty; expected a folder")]
    [InlineData("--list-sizes", "0,2", "--list-sizes: '0' is not a list size")]
    [InlineData("--list-sizes", "65", "--list-sizes: '65' is not a list size")]
    [InlineData("--list-sizes", "2,x", "--list-sizes: 'x' is not a list size")]
    [InlineData("--list-sizes", "2,2", "--list-sizes: 2 is given twice")]
    public void BadInputFailsWithOneLineAndNoOutputs(string option, string value, string expected)
    {
        var extra = option == "--device" ? new[] { "--mc", "dense", option, value } : [option, value];
        var (code, stdout, stderr) = CliRunner.Run(Args(extra));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains(expected, error);
        AssertNoOutputs();
    }

    [Fact]
    public void ListSizesAddColumnsCurvesAndSummaries()
    {
        var (code, stdout, stderr) = CliRunner.Run(Args("--json", "--list-sizes", "1,2,4"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var summary = json.RootElement;
        var positions = summary.GetProperty("positions").EnumerateArray().ToArray();
        foreach (var position in positions)
        {
            var lists = position.GetProperty("lists").EnumerateArray().ToArray();
            Assert.Equal([1, 2, 4], lists.Select(l => l.GetProperty("size").GetInt32()));
            // K = 1 is the single-draft Gumbel agreement.
            Assert.Equal(position.GetProperty("gumbel_exact").GetDouble(), lists[0].GetProperty("exact").GetDouble(), 12);
            foreach (var list in lists)
            {
                double exact = list.GetProperty("exact").GetDouble(), rate = list.GetProperty("rate").GetDouble();
                var sigma = Math.Sqrt(exact * (1 - exact) / 4000);
                Assert.InRange(rate, exact - 5 * sigma - 1e-9, exact + 5 * sigma + 1e-9);
            }
            Assert.True(lists[2].GetProperty("exact").GetDouble() >= lists[1].GetProperty("exact").GetDouble() - 1e-12);
        }
        var means = summary.GetProperty("lists").EnumerateArray().ToArray();
        Assert.Equal(positions.Average(p => p.GetProperty("lists")[2].GetProperty("exact").GetDouble()),
            means[2].GetProperty("mean_exact").GetDouble(), 12);

        var lines = File.ReadAllLines(summary.GetProperty("results_csv").GetString()!);
        Assert.Equal(string.Join(',', CouplingResultsCsv.ColumnsFor([1, 2, 4])), lines[0]);
        Assert.EndsWith(",GumbelList4,GumbelList4Exact,GumbelList4StdErr", lines[0]);
        var first = lines[1].Split(',');
        Assert.Equal(positions[0].GetProperty("lists")[1].GetProperty("exact").GetDouble(),
            double.Parse(first[CouplingResultsCsv.Columns.Count + 4], CultureInfo.InvariantCulture));
        Assert.Contains("Gumbel list K = 4", stderr);
    }

    [Fact]
    public void DifferentVocabulariesNameBothFiles()
    {
        DistributionCsv.Write(DataFile("small_probs.csv"), [Enumerable.Repeat(1.0 / 10, 10).ToArray()]);

        var (code, _, stderr) = CliRunner.Run(Args("--num-tokens", "1"));

        Assert.Equal(2, code);
        Assert.Contains($"{DataFile("org-large_probs.csv")} has V = {Vocab}", stderr);
        Assert.Contains($"{DataFile("small_probs.csv")} has V = 10", stderr);
        AssertNoOutputs();
    }

    [Fact]
    public void BadTableNamesTheFileRowAndColumn()
    {
        File.WriteAllText(DataFile("small_probs.csv"), "prob_0,prob_1\n0.5,0.5\n0.5,x\n");

        var (code, _, stderr) = CliRunner.Run(Args());

        Assert.Equal(2, code);
        Assert.Contains($"{DataFile("small_probs.csv")}: data row 2, column 2", stderr);
        AssertNoOutputs();
    }

    [Fact]
    public void AnImgDirThatIsAFileIsNamedBeforeTheMeasurement()
    {
        File.WriteAllText(ImgDir, "not a folder");

        var (code, stdout, stderr) = CliRunner.Run(Args("--num-tokens", "2"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains("--img-dir", error);
        Assert.Contains("is a file; expected a folder", error);
        Assert.DoesNotContain("positions", stderr);
        Assert.Equal([Path.Combine("data", Folder, "org-large_probs.csv"), Path.Combine("data", Folder, "small_probs.csv"), "img"], _root.AllFiles());
    }

    [Fact]
    public void AFailedWriteLeavesNeitherOutput()
    {
        // A folder where the results CSV should go makes its rename fail after both files were staged.
        Directory.CreateDirectory(DataFile("coupling_org-large_vs_someone-small.csv"));

        var (code, stdout, stderr) = CliRunner.Run(Args("--num-tokens", "2"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("disd: error: ", stderr);
        Assert.Equal([Path.Combine("data", Folder, "org-large_probs.csv"), Path.Combine("data", Folder, "small_probs.csv")], _root.AllFiles());
    }

    [Fact]
    public void MissingRequiredOptionsAreUsageErrors()
    {
        var (code, stdout, stderr) = CliRunner.Run("plot-coupling", "--model-large", "org/large");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("disd: error: give the prompt with --input-text", stderr);
    }

    [Fact]
    public void HelpDocumentsTheDefaultsAndTheOriginalSpellings()
    {
        var (code, stdout, _) = CliRunner.Run("plot-coupling", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--num_tokens", stdout);
        Assert.Contains("[default: 20000]", stdout);
        Assert.Contains("[default: race]", stdout);
        Assert.Contains("[default: ./data]", stdout);
    }

    private void AssertNoOutputs()
    {
        Assert.False(Directory.Exists(ImgDir));
        Assert.DoesNotContain(_root.AllFiles(), f => f.Contains("coupling_", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    /// <summary>Rows of a softmax of random logits; larger sharpness gives peakier rows.</summary>
    /// <summary>
    /// Float32 probabilities held as doubles: plot-coupling reads every table as the float32 values it holds (a longer
    /// CSV value is rounded to float32), so these are the values it computes with.
    /// </summary>
    private static double[][] Table(Random random, double sharpness) => Enumerable.Range(0, Rows).Select(_ =>
    {
        var weights = Enumerable.Range(0, Vocab).Select(_ => Math.Exp(sharpness * random.NextDouble() * 3)).ToArray();
        var sum = weights.Sum();
        return weights.Select(w => (double)(float)(w / sum)).ToArray();
    }).ToArray();

    /// <summary>1 − Σ min(p, q): ½‖p − q‖₁ differs from it by the rows' float32 rounding of their sum.</summary>
    private static double TotalVariation(double[] p, double[] q) => 1 - p.Zip(q, Math.Min).Sum();

    /// <summary>Pr[a = b] of Gumbel sampling: Σ_i 1 / Σ_j max(p_j / p_i, q_j / q_i).</summary>
    private static double GumbelAgreement(double[] p, double[] q) =>
        Enumerable.Range(0, p.Length).Sum(i => 1.0 / Enumerable.Range(0, p.Length).Sum(j => Math.Max(p[j] / p[i], q[j] / q[i])));
}
