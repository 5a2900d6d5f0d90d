using DISD.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class SamplingTransformTests
{
    public static TheoryData<double, int?, double?, double?> Transforms => new()
    {
        { 1.0, null, null, null },
        { 0.7, null, null, null },
        { 1.0, 5, null, null },
        { 1.0, null, 0.8, null },
        { 1.0, null, null, 0.1 },
        { 0.8, 10, 0.9, 0.05 },
        { 1.3, 3, 0.5, 0.2 },
        { 1.0, 1, null, null },
        { 1.0, null, 0.01, null },
    };

    [Theory]
    [MemberData(nameof(Transforms))]
    public void MatchesTheReferenceOnRandomRows(double temperature, int? topK, double? topP, double? minP)
    {
        var random = new Random(11);
        const int rows = 40, vocab = 30;
        var logits = new double[rows][];
        for (var r = 0; r < rows; r++)
            logits[r] = Enumerable.Range(0, vocab).Select(_ => 3 * Normal(random)).ToArray();
        using var scope = NewDisposeScope();
        var input = tensor(logits.SelectMany(x => x).Select(x => (float)x).ToArray(), new long[] { rows, vocab });
        var probs = new TokenDistributions(input, new SamplingTransform(temperature, topK, topP, minP)).Probs;
        var actual = probs.to_type(ScalarType.Float64).data<double>().ToArray();
        for (var r = 0; r < rows; r++)
        {
            var floatLogits = logits[r].Select(x => (double)(float)x).ToArray();
            var expected = ReferenceTransform.Probabilities(floatLogits, temperature, topK, topP, minP);
            for (var i = 0; i < vocab; i++)
            {
                var value = actual[r * vocab + i];
                if (expected[i] == 0)
                    Assert.True(value == 0, $"row {r} token {i}: {value}, expected exactly 0");
                else
                    Assert.InRange(value, expected[i] - 1e-6, expected[i] + 1e-6);
            }
        }
    }

    [Fact]
    public void TopPKeepsTheTokenThatCrossesTheThreshold()
    {
        // Cumulative from the top: 0.5, 0.8, 0.95, 1 (transformers' docstring example). top-p 0.75 keeps {0.5, 0.3}
        // (0.3 crosses 0.75); 0.85 also keeps 0.15, the token that crosses it.
        AssertProbs([0.625, 0.375, 0, 0], Keep([0.5, 0.3, 0.15, 0.05], topP: 0.75));
        AssertProbs([0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0], Keep([0.5, 0.3, 0.15, 0.05], topP: 0.85));
        AssertProbs([1, 0, 0, 0], Keep([0.5, 0.3, 0.15, 0.05], topP: 0.3));
        AssertProbs([0.5, 0.3, 0.15, 0.05], Keep([0.5, 0.3, 0.15, 0.05], topP: 1.0));
    }

    [Fact]
    public void TiedTokensShareOneFateWhateverTheirIds()
    {
        AssertProbs([0.4, 0.3, 0.3], Keep([0.4, 0.3, 0.3], topP: 0.5));
        AssertProbs([0.3, 0.4, 0.3], Keep([0.3, 0.4, 0.3], topP: 0.5));
        AssertProbs([0, 1 / 3.0, 1 / 3.0, 1 / 3.0], Keep([0.1, 0.3, 0.3, 0.3], topK: 2));
        AssertProbs([0.5, 0.5, 0, 0], Keep([0.4, 0.4, 0.1, 0.1], minP: 0.5));
    }

    [Fact]
    public void EachRowDependsOnlyOnItselfAndOnVocabularyIds()
    {
        var random = new Random(5);
        const int vocab = 50;
        var rows = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, vocab).Select(_ => (float)(2 * Normal(random))).ToArray()).ToArray();
        var transform = new SamplingTransform(0.9, 20, 0.85, 0.02);
        using var scope = NewDisposeScope();
        var together = ProbsOf(transform, rows);
        var permutation = Enumerable.Range(0, vocab).OrderBy(_ => random.Next()).ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            AssertSame(together[r], ProbsOf(transform, [rows[r]])[0]);
            var permuted = ProbsOf(transform, [permutation.Select(i => rows[r][i]).ToArray()])[0];
            AssertSame(permutation.Select(i => together[r][i]).ToArray(), permuted);
        }
    }

    [Theory]
    [InlineData(1.0, 0, null, null, "--top-k must be ≥ 1")]
    [InlineData(1.0, null, 0.0, null, "--top-p must lie in (0, 1]")]
    [InlineData(1.0, null, 1.5, null, "--top-p must lie in (0, 1]")]
    [InlineData(1.0, null, null, 1.0, "--min-p must lie in [0, 1)")]
    [InlineData(1.0, null, null, -0.1, "--min-p must lie in [0, 1)")]
    [InlineData(-1.0, null, null, null, "--temperature must be")]
    public void RejectsOutOfRangeParameters(double temperature, int? topK, double? topP, double? minP, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new SamplingTransform(temperature, topK, topP, minP).Validate());
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void GreedyIgnoresTruncationAndDescribesItself()
    {
        Assert.Equal("greedy", new SamplingTransform(0, 5, 0.5).Describe());
        Assert.Equal("temperature 0.7, top-k 20, top-p 0.9, min-p 0.05", new SamplingTransform(0.7, 20, 0.9, 0.05).Describe());
        Assert.False(new SamplingTransform(1, null, 1.0, 0.0).Truncates);
    }

    /// <summary>The same kept set exactly; the values up to the rounding of a differently ordered softmax sum.</summary>
    private static void AssertSame(float[] expected, float[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] == 0, actual[i] == 0);
            Assert.InRange(actual[i], expected[i] - 1e-6f, expected[i] + 1e-6f);
        }
    }

    private static void AssertProbs(double[] expected, double[] actual) =>
        Assert.Equal(expected.Select(x => Math.Round(x, 6)).ToArray(), actual);

    private static double[] Keep(double[] probs, int? topK = null, double? topP = null, double? minP = null)
    {
        using var scope = NewDisposeScope();
        var logits = tensor(probs.Select(p => (float)Math.Log(p)).ToArray(), new long[] { 1, probs.Length });
        var transformed = new TokenDistributions(logits, new SamplingTransform(1.0, topK, topP, minP)).Probs;
        // Six decimals: float32 softmax of float32 logits; exact zeros stay exact.
        return transformed.to_type(ScalarType.Float64).data<double>().Select(x => Math.Round(x, 6)).ToArray();
    }

    private static float[][] ProbsOf(SamplingTransform transform, float[][] rows)
    {
        using var scope = NewDisposeScope();
        var input = tensor(rows.SelectMany(x => x).ToArray(), new long[] { rows.Length, rows[0].Length });
        var flat = new TokenDistributions(input, transform).Probs.data<float>().ToArray();
        return rows.Select((_, r) => flat.AsSpan(r * rows[0].Length, rows[0].Length).ToArray()).ToArray();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
