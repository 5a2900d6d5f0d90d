using System.Text.Json;
using DISD.IO;
using DISD.Models;
using DISD.Tests.Cli;

namespace DISD.Tests.Generate;

/// <summary>--top-k/--top-p/--min-p change which tokens the large model samples, never the recorded tables.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GenerateSamplingTests
{
    private static readonly string[] Args = ["--input-text", GenerateRun.Prompt, "--num-tokens", "12", "--model-large", EmbeddedModels.Large,
        "--model-small", EmbeddedModels.Small, "--seed", "4"];

    [Fact]
    public void TopKOneSamplesTheArgmaxOfAnUntruncatedRecordedTable()
    {
        using var run = new GenerateRun([.. Args, "--top-k", "1"]);
        Assert.Equal(0, run.ExitCode);
        var large = run.Read(EmbeddedModels.Large);
        var tokens = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.ResultFolder(), RunManifest.FileName))).RootElement;
        var ids = tokens.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        for (var row = 0; row < ids.Length; row++)
        {
            Assert.Equal(Array.IndexOf(large[row], large[row].Max()), ids[row]);
            Assert.DoesNotContain(0f, large[row]);   // the table is the full softmax, not the truncated distribution
        }
        var sampling = tokens.GetProperty("sampling");
        Assert.Equal(1, sampling.GetProperty("top_k").GetInt32());
        Assert.Equal("temperature 1, top-k 1", sampling.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("--top-p", "0", "--top-p must lie in (0, 1], got 0")]
    [InlineData("--top-k", "0", "--top-k must be ≥ 1, got 0")]
    [InlineData("--min-p", "1", "--min-p must lie in [0, 1), got 1")]
    public void OutOfRangeValuesAreOneLine(string option, string value, string message)
    {
        using var run = new GenerateRun([.. Args, option, value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.Stderr.Split('\n'), line => line == $"disd: error: {message}");
        Assert.False(Directory.Exists(run.DataDir));
    }
}
