using System.Runtime.Intrinsics;
using DISD.Couplings;
using DISD.Runtime;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Couplings;

/// <summary>
/// The CPU's Gumbel transform (<see cref="PortableLog"/>) and the pruned Gumbel-max search (<see cref="HostGumbelMax"/>)
/// against independent references: .NET's <see cref="Math.Log"/>, a brute-force argmax over every token, and the
/// tokens of the libtorch-log path the CPU used before.
/// </summary>
public class HostGumbelTests
{
    [Fact]
    public void PortableLogIsWithinThreeUlpsOfMathLogAndItsVectorFormHasTheSameBits()
    {
        var random = new Random(5);
        long worst = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double x = (i % 3) switch
            {
                0 => ((uint)random.NextInt64(0, 1L << 32) + 0.5) * PublicRandomness.TwoToMinus32,
                1 => 1 - ((uint)random.NextInt64(0, 1L << 24) + 0.5) * PublicRandomness.TwoToMinus32,
                _ => 1e-10 + random.NextDouble() * 23,
            };
            double scalar = PortableLog.Log(x);
            worst = Math.Max(worst, Math.Abs(BitConverter.DoubleToInt64Bits(scalar) - BitConverter.DoubleToInt64Bits(Math.Log(x))));
            var lanes = PortableLog.Log(Vector256.Create(x, 2 * x, x, 0.5 * x));
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(lanes[0]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(lanes[2]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(PortableLog.Log(2 * x)), BitConverter.DoubleToInt64Bits(lanes[1]));
        }
        Assert.InRange(worst, 0, 3);
        Assert.Equal(0.0, PortableLog.Log(1.0));
    }

    /// <summary>Every element of the CPU's noise (vector body, scalar tail, two workers) is the scalar reference's.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(70_003)]
    public void CpuNoiseIsTheScalarGumbelOfEachUniform(int vocab)
    {
        using var noise = GumbelSampler.Noise(17, 40, 2, vocab, CPU);
        var values = noise.data<double>().ToArray();
        for (int r = 0; r < 2; r++)
        {
            for (int i = 0; i < vocab; i++)
            {
                double expected = PortableLog.Gumbel(PublicRandomnessReference.UniformScalar(17, 40 + r, i));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(values[r * vocab + i]));
            }
        }
    }

    public static TheoryData<string, int> Rows => new()
    {
        { "flat", 262_144 }, { "flat", 5 }, { "flat", 1 }, { "peaked", 100_003 }, { "increasing", 50_000 },
        { "decreasing", 50_000 }, { "truncated", 30_011 }, { "ties", 4_099 }, { "one-hot", 1_000 },
    };

    /// <summary>
    /// The pruned search returns the brute-force argmax of (double)log p + g over the whole row (first index on ties)
    /// for flat, peaked, monotone, truncated and tied rows, and the noise path of <see cref="GumbelSampler"/> agrees.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void PrunedSearchEqualsTheBruteForceArgmax(string shape, int vocab)
    {
        for (long position = 0; position < 6; position++)
        {
            using var scope = NewDisposeScope();
            using var logProbs = Row(shape, vocab, (int)position).log_softmax(0);
            var values = logProbs.data<float>().ToArray();
            long expected = BruteForce(values, 23, position);
            long pruned = GumbelSampler.SampleHostRows(logProbs.unsqueeze(0), 23, position)[0];
            Assert.Equal(expected, pruned);
            using var noise = GumbelSampler.Noise(23, position, 1, vocab, CPU);
            using var viaNoise = GumbelSampler.SampleWithNoise(logProbs.unsqueeze(0), noise);
            Assert.Equal(expected, viaNoise.item<long>());
        }
    }

    /// <summary>A block of rows (handed to the workers whole, row r at position first + r) gives each row's brute-force token.</summary>
    [Fact]
    public void ABlockOfRowsGivesEachRowsBruteForceToken()
    {
        using var scope = NewDisposeScope();
        const int rows = 5, vocab = 70_001;
        var logProbs = randn(new long[] { rows, vocab }, generator: new Generator(12)).mul(Scalars.Of(3.0)).log_softmax(1);
        var tokens = GumbelSampler.SampleHostRows(logProbs, 31, 400);
        for (int r = 0; r < rows; r++)
            Assert.Equal(BruteForce(logProbs[r].data<float>().ToArray(), 31, 400 + r), tokens[r]);
    }

    /// <summary>
    /// One row is split over the workers only while they are awake (<see cref="CpuWorkers.Awake"/>); both ways give the
    /// brute-force token. The test makes each state itself: a job just handed to the workers, then a sleep well past
    /// their spin.
    /// </summary>
    [Fact]
    public void OneRowGivesTheBruteForceTokenWithTheWorkersAwakeAndAsleep()
    {
        using var scope = NewDisposeScope();
        const int vocab = 262_145;
        var logProbs = randn(new long[] { 1, vocab }, generator: new Generator(21)).mul(Scalars.Of(2.0)).log_softmax(1);
        long expected = BruteForce(logProbs[0].data<float>().ToArray(), 17, 90);
        var seenAwake = false;
        for (int attempt = 0; attempt < 20 && !seenAwake; attempt++)
        {
            CpuWorkers.For(2, _ => { });
            seenAwake = CpuWorkers.Awake;
            Assert.Equal(expected, GumbelSampler.SampleHostRows(logProbs, 17, 90)[0]);
        }
        Assert.True(seenAwake, "the workers never counted as awake right after a job");
        // Other test classes may hand the workers jobs meanwhile, so wait for a moment when they are idle.
        var seenAsleep = false;
        for (int attempt = 0; attempt < 50 && !seenAsleep; attempt++)
        {
            Thread.Sleep(20);
            seenAsleep = !CpuWorkers.Awake;
            Assert.Equal(expected, GumbelSampler.SampleHostRows(logProbs, 17, 90)[0]);
        }
        Assert.True(seenAsleep, "the workers never counted as asleep after 20 ms idle");
    }

    /// <summary>
    /// The tokens do not change with the CPU's own log: 3,000 rows sampled as before (libtorch's float64 log, widen, add,
    /// argmax) and now give the same tokens (a flip needs two perturbed values within a few ulps of each other).
    /// </summary>
    [Fact]
    public void TokensEqualThoseOfTheLibTorchLogPath()
    {
        using var scope = NewDisposeScope();
        const int rows = 3_000, vocab = 512;
        var logits = randn(new long[] { rows, vocab }, generator: new Generator(8)).mul(Scalars.Of(2.5));
        var logProbs = logits.log_softmax(1);
        var uniforms = PublicRandomness.UniformsForPositions(4, 0, rows, vocab, CPU);
        var before = logProbs.to_type(ScalarType.Float64).add(uniforms.log().neg().log().neg()).argmax(1).data<long>().ToArray();
        var now = GumbelSampler.Sample(logProbs, 4, 0).data<long>().ToArray();
        Assert.Equal(before, now);
        for (int r = 0; r < 200; r++)
            Assert.Equal(before[r], GumbelSampler.SampleHostRows(logProbs[r].unsqueeze(0), 4, r)[0]);
    }

    private static long BruteForce(float[] logProbs, ulong seed, long position)
    {
        long best = 0;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < logProbs.Length; i++)
        {
            double value = logProbs[i] + PortableLog.Gumbel(PublicRandomnessReference.UniformScalar(seed, position, i));
            if (value > bestValue)
                (best, bestValue) = (i, value);
        }
        return best;
    }

    private static Tensor Row(string shape, int vocab, int seed)
    {
        var generator = new Generator((ulong)(seed + 1));
        return shape switch
        {
            "flat" => randn(vocab, generator: generator).mul(Scalars.Of(0.01)),
            "peaked" => randn(vocab, generator: generator).mul(Scalars.Of(4.0)),
            "increasing" => arange(vocab, ScalarType.Float32).mul(Scalars.Of(20.0 / vocab)),
            "decreasing" => arange(vocab, ScalarType.Float32).mul(Scalars.Of(-20.0 / vocab)),
            "truncated" => randn(vocab, generator: generator).masked_fill(rand(vocab, generator: generator).lt(Scalars.Of(0.9)),
                Scalars.NegativeInfinity),
            "ties" => zeros(vocab),
            "one-hot" => full(vocab, Scalars.NegativeInfinity, ScalarType.Float32).index_fill_(0, tensor(new long[] { 617 }), Scalars.Of(0.0)),
            _ => throw new ArgumentException(shape),
        };
    }
}
