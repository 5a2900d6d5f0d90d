using DISD.Tests.Cli;

namespace DISD.Tests.Batch;

/// <summary>The bad inputs of batch runs and reports: one line, exit 2, nothing written.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BatchBadInputTests : IDisposable
{
    private readonly BatchRuns _runs = new(["What is a lion?", "What is a cat?", "", "What is a lion"]);

    public void Dispose() => _runs.Dispose();

    private static string OneErrorLine((int Code, string Stdout, string Stderr) run)
    {
        Assert.Equal(2, run.Code);
        Assert.Equal("", run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines, line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("generate-distribution")]
    [InlineData("plot-coupling")]
    public void DuplicateFolderNamesInThePromptsFileAreRefusedInEveryShard(string verb)
    {
        foreach (var shard in new[] { "0/2", "1/2" })
        {
            var run = verb == "plot-coupling" ? _runs.Plot("a", "--shard", shard) : _runs.Generate("a", "--shard", shard);
            Assert.Contains("lines 1 and 4 both give the result folder 'What_is_a_lion'", OneErrorLine(run));
        }

        Assert.False(Directory.Exists(_runs.Dir("a", "data")) && Directory.EnumerateFileSystemEntries(_runs.Dir("a", "data")).Any());
    }

    [Theory]
    [InlineData("generate-distribution", "3/3")]
    [InlineData("plot-coupling", "1/0")]
    [InlineData("speculate", "x/2")]
    public void AShardOutsideTheRangeIsRefused(string verb, string shard)
    {
        string[] data = verb == "speculate" ? [] : ["--data-dir", _runs.Dir("a", "data")];
        var run = CliRunner.Run([verb, "--prompts-file", _runs.PromptsFile, "--shard", shard, .. data]);
        Assert.Contains($"--shard '{shard}'", OneErrorLine(run));
    }

    [Fact]
    public void AReportOverAFolderWithNoResultsIsRefused()
    {
        Directory.CreateDirectory(_runs.Dir("a", "data"));
        var run = CliRunner.Run("report", "--data-dir", _runs.Dir("a", "data"), "--report-dir", _runs.Dir("a", "report"));
        Assert.Contains("no plot-coupling results", OneErrorLine(run));
        Assert.False(Directory.Exists(_runs.Dir("a", "report")) && Directory.EnumerateFileSystemEntries(_runs.Dir("a", "report")).Any());
    }

    [Fact]
    public void AReportOverResultsOfAnotherRunIsRefused()
    {
        using var good = new BatchRuns();
        Assert.Equal(0, good.Generate("a", "--shard", "0/3").Code);
        Assert.Equal(0, good.Plot("a", "--shard", "0/3").Code);
        Assert.Equal(0, good.Generate("b", "--shard", "0/3", "--seed", "9").Code);
        var stale = "coupling_gemma2-wordnet-large_vs_gemma2-wordnet-small.csv";
        File.Copy(Path.Combine(good.Dir("a", "data"), "What_is_a_lion", stale), Path.Combine(good.Dir("b", "data"), "What_is_a_lion", stale));

        var run = CliRunner.Run("report", "--data-dir", good.Dir("b", "data"), "--report-dir", good.Dir("b", "report"));

        Assert.Contains("results belong to tables of another run", OneErrorLine(run));
        Assert.False(Directory.Exists(good.Dir("b", "report")));
    }
}
