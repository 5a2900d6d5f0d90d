using DISD.Couplings;
using DISD.Testing;
using TorchSharp;

namespace DISD.Tests.Couplings;

public class EstimatorTests
{
    private const int Retries = 20_000;

    public static IEnumerable<object[]> Engines => new[] { new object[] { MonteCarloEngine.Race }, new object[] { MonteCarloEngine.Dense } };

    private static IAgreementEstimator Create(MonteCarloEngine engine) =>
        engine == MonteCarloEngine.Race ? new RaceEstimator() : new DenseEstimator(torch.CPU);

    private static void AssertWithinFiveSigma(double exact, AgreementEstimate estimate, string what)
    {
        double sigma = BruteForce.Sigma(exact, estimate.Retries);
        Assert.True(Math.Abs(estimate.Rate - exact) <= 5 * sigma + 1e-12,
            $"{what}: estimate {estimate.Rate} vs exact {exact} (σ = {sigma})");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void GumbelEstimateMatchesExactForm(MonteCarloEngine engine)
    {
        var estimator = Create(engine);
        ulong seed = 1;
        foreach (var (p, q) in RandomPairs.Mixed(seed: 21, count: 6, size: 40))
            AssertWithinFiveSigma(ExactAgreement.Gumbel(p, q), estimator.Gumbel(p, q, Retries, seed++), $"{engine} Gumbel");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void WeightedMinHashEstimateMatchesExactForm(MonteCarloEngine engine)
    {
        var estimator = Create(engine);
        ulong seed = 1;
        foreach (var (p, q) in RandomPairs.Mixed(seed: 22, count: 6, size: 40))
            AssertWithinFiveSigma(ExactAgreement.WeightedMinHash(p, q), estimator.WeightedMinHash(p, q, Retries, seed++), $"{engine} WMH");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void IdenticalDistributionsAlwaysAgreeAndDisjointNever(MonteCarloEngine engine)
    {
        var estimator = Create(engine);
        var p = RandomPairs.Softmax(new Random(4), 30, 2);
        Assert.Equal(1.0, estimator.Gumbel(p, p, 2_000, 9).Rate);
        Assert.Equal(1.0, estimator.WeightedMinHash(p, p, 2_000, 9).Rate);
        double[] left = { 0.3, 0.7, 0, 0 }, right = { 0, 0, 0.6, 0.4 };
        Assert.Equal(0.0, estimator.Gumbel(left, right, 2_000, 9).Rate);
        Assert.Equal(0.0, estimator.WeightedMinHash(left, right, 2_000, 9).Rate);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void SameSeedReproducesAndDifferentSeedsDiffer(MonteCarloEngine engine)
    {
        var estimator = Create(engine);
        var (p, q) = RandomPairs.Related(new Random(5), 200, 2, 1);
        Assert.Equal(estimator.Gumbel(p, q, 5_000, 42), estimator.Gumbel(p, q, 5_000, 42));
        Assert.Equal(estimator.WeightedMinHash(p, q, 5_000, 42), estimator.WeightedMinHash(p, q, 5_000, 42));
        // With 5,000 retries at rate ≈ 0.5, two seeds give equal counts with probability < 1%; three seeds all equal: < 1e-4.
        var gumbelRates = new[] { 42UL, 43UL, 44UL }.Select(s => estimator.Gumbel(p, q, 5_000, s).Rate).Distinct().Count();
        var wmhRates = new[] { 42UL, 43UL, 44UL }.Select(s => estimator.WeightedMinHash(p, q, 5_000, s).Rate).Distinct().Count();
        Assert.True(gumbelRates > 1);
        Assert.True(wmhRates > 1);
    }

    [Fact]
    public void EnginesAgreeWithEachOther()
    {
        var race = new RaceEstimator();
        using var dense = new DenseEstimator(torch.CPU);
        var (p, q) = RandomPairs.Related(new Random(6), 500, 3, 1.5);
        foreach (var (x, y) in new[] { (race.Gumbel(p, q, Retries, 1), dense.Gumbel(p, q, Retries, 2)),
                                       (race.WeightedMinHash(p, q, Retries, 1), dense.WeightedMinHash(p, q, Retries, 2)) })
        {
            double sigma = Math.Sqrt(x.StandardError * x.StandardError + y.StandardError * y.StandardError);
            Assert.True(Math.Abs(x.Rate - y.Rate) <= 5 * sigma, $"race {x.Rate} vs dense {y.Rate} (σ = {sigma})");
        }
    }

    [Fact]
    public void RaceMatchesNaiveDartThrowingAtTinyVocabulary()
    {
        double[] p = { 0.6, 0.3, 0.1 }, q = { 0.2, 0.3, 0.5 };
        var random = new Random(10);
        const int trials = 40_000;
        int naive = 0;
        for (int t = 0; t < trials; t++)
        {
            var (a, b) = BruteForce.DartTrial(p, q, random);
            if (a == b) naive++;
        }
        var race = new RaceEstimator().WeightedMinHash(p, q, trials, 3);
        double sigma = Math.Sqrt(2) * BruteForce.Sigma(race.Rate, trials);
        Assert.True(Math.Abs(race.Rate - (double)naive / trials) <= 5 * sigma, $"race {race.Rate} vs naive {(double)naive / trials}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void DenseMinHashWithTinyDartBatchesStillFollowsDartOrder(int dartsPerBatch)
    {
        // With one or three darts per batch most rows need several batches; a wrong merge would bias the rate.
        using var dense = new DenseEstimator(torch.CPU, dartsPerBatch, DenseEstimator.GumbelChunkElements);
        ulong seed = 30;
        foreach (var (p, q) in RandomPairs.Mixed(seed: 23, count: 3, size: 25))
            AssertWithinFiveSigma(ExactAgreement.WeightedMinHash(p, q), dense.WeightedMinHash(p, q, Retries, seed++),
                $"dense WMH, {dartsPerBatch} darts per batch");
        double[] left = { 0.3, 0.7, 0, 0 }, right = { 0, 0, 0.6, 0.4 };
        Assert.Equal(0.0, dense.WeightedMinHash(left, right, 2_000, 9).Rate);
    }

    [Fact]
    public void DenseGumbelOverManySmallChunksMatchesExactForm()
    {
        // 100 uniforms per chunk at V = 40: two retries per chunk, and an odd retry count leaves a short last chunk.
        using var dense = new DenseEstimator(torch.CPU, DenseEstimator.DartsPerBatch, gumbelChunkElements: 100);
        var (p, q) = RandomPairs.Related(new Random(12), 40, 2, 1);
        var estimate = dense.Gumbel(p, q, 3_001, 4);
        Assert.Equal(3_001, estimate.Retries);
        AssertWithinFiveSigma(ExactAgreement.Gumbel(p, q), estimate, "dense Gumbel in 2-retry chunks");
        Assert.NotEqual(estimate, dense.Gumbel(p, q, 3_001, 5));
    }

    [Fact]
    public void DenseRejectsUseAfterDispose()
    {
        var dense = new DenseEstimator(torch.CPU);
        dense.Dispose();
        Assert.Throws<ObjectDisposedException>(() => dense.Gumbel(new[] { 1.0 }, new[] { 1.0 }, 10, 1));
    }
}
