using DISD.Couplings;
using DISD.Testing;
using static TorchSharp.torch;

namespace DISD.Tests.Couplings;

public class GumbelListTests
{
    /// <summary>
    /// Naive GLS trial: K·V explicit exponentials; drafter a_k = argmin_i E/p for the first <paramref name="drafted"/>
    /// lists, target argmin over all (k, i) of E/q.
    /// </summary>
    private static bool NaiveListMatch(double[] p, double[] q, int lists, Random random, int drafted = -1)
    {
        if (drafted < 0)
            drafted = lists;
        int target = -1;
        double best = double.PositiveInfinity;
        var proposals = new int[lists];
        for (int k = 0; k < lists; k++)
        {
            double bestA = double.PositiveInfinity;
            for (int i = 0; i < p.Length; i++)
            {
                double e = -Math.Log(1 - random.NextDouble());
                if (e / p[i] < bestA) { bestA = e / p[i]; proposals[k] = i; }
                if (e / q[i] < best) { best = e / q[i]; target = i; }
            }
        }
        return proposals.Take(drafted).Contains(target);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(60)]
    public void QuadratureAtOneListEqualsTheClosedForm(int size)
    {
        foreach (var (p, q) in RandomPairs.Mixed(seed: 300 + size, count: 20, size))
            Assert.Equal(ExactAgreement.Gumbel(p, q), ExactListAgreement.ByQuadrature(p, q, 1), 1e-9);
    }

    [Fact]
    public void ExactListAgreementMatchesNaiveSimulation()
    {
        var random = new Random(21);
        foreach (var lists in new[] { 2, 3, 4 })
            foreach (var (p, q) in RandomPairs.Mixed(seed: 40 + lists, count: 3, size: 5))
            {
                const int trials = 40_000;
                int matches = 0;
                for (int t = 0; t < trials; t++)
                    if (NaiveListMatch(p, q, lists, random))
                        matches++;
                double exact = ExactListAgreement.Gumbel(p, q, lists);
                double sigma = BruteForce.Sigma(exact, trials);
                Assert.InRange((double)matches / trials - exact, -5 * sigma - 1e-9, 5 * sigma + 1e-9);
            }
    }

    [Fact]
    public void PartlyDraftedListsMatchNaiveSimulation()
    {
        var random = new Random(22);
        foreach (var (lists, drafted) in new[] { (2, 1), (4, 1), (4, 3) })
            foreach (var (p, q) in RandomPairs.Mixed(seed: 50 + lists + drafted, count: 3, size: 5))
            {
                const int trials = 40_000;
                int matches = 0;
                for (int t = 0; t < trials; t++)
                    if (NaiveListMatch(p, q, lists, random, drafted))
                        matches++;
                double exact = ExactListAgreement.Gumbel(p, q, lists, drafted);
                double sigma = BruteForce.Sigma(exact, trials);
                Assert.InRange((double)matches / trials - exact, -5 * sigma - 1e-9, 5 * sigma + 1e-9);
            }
    }

    [Fact]
    public void RaceEngineMatchesTheExactListAgreement()
    {
        var estimator = new RaceEstimator();
        foreach (var lists in new[] { 1, 2, 4, 8 })
            foreach (var (p, q) in RandomPairs.Mixed(seed: 60 + lists, count: 3, size: 80))
            {
                var estimate = estimator.GumbelList(p, q, lists, 100_000, seed: (ulong)lists);
                double exact = ExactListAgreement.Gumbel(p, q, lists);
                double sigma = BruteForce.Sigma(exact, estimate.Retries);
                Assert.InRange(estimate.Rate - exact, -5 * sigma - 1e-9, 5 * sigma + 1e-9);
            }
    }

    [Fact]
    public void ListAgreementIsOneForEqualDistributionsAndGrowsWithTheList()
    {
        foreach (var (p, q) in RandomPairs.Mixed(seed: 90, count: 10, size: 30))
        {
            Assert.Equal(1.0, ExactListAgreement.Gumbel(p, p, 4), 1e-9);
            double previous = 0;
            foreach (var lists in new[] { 1, 2, 4, 8 })
            {
                double agreement = ExactListAgreement.Gumbel(p, q, lists);
                Assert.True(agreement >= previous - 1e-12, $"K={lists}: {agreement} < {previous}");
                previous = agreement;
            }
        }
    }

    [Fact]
    public void DisjointSupportsNeverMatch()
    {
        double[] p = [0.5, 0.5, 0, 0];
        double[] q = [0, 0, 0.3, 0.7];
        Assert.Equal(0.0, ExactListAgreement.Gumbel(p, q, 4), 1e-12);
    }

    [Fact]
    public void ListZeroIsTodaysStreamAndTheTargetIsTheArgminOverAllLists()
    {
        const ulong seed = 5;
        const int vocab = 6, lists = 3, positions = 40;
        using var uniforms = PublicRandomness.ListUniformsForPositions(seed, 10, positions, vocab, lists, CPU);
        using var today = PublicRandomness.UniformsForPositions(seed, 10, positions, vocab, CPU);
        Assert.True(uniforms.select(1, 0).eq(today).all().item<bool>());
        var q = new[] { 0.05, 0.3, 0.1, 0.25, 0.2, 0.1 };
        using var logQ = tensor(q).log().unsqueeze(0).expand(positions, vocab).contiguous();
        using var tokens = GumbelListSampler.SampleTarget(logQ, seed, 10, lists);
        var host = tokens.data<long>().ToArray();
        for (int t = 0; t < positions; t++)
        {
            int expected = -1;
            double best = double.PositiveInfinity;
            for (int k = 0; k < lists; k++)
                for (int i = 0; i < vocab; i++)
                {
                    double e = -Math.Log(PublicRandomnessReference.ListUniformScalar(seed, 10 + t, k, i, vocab));
                    if (e / q[i] < best) { best = e / q[i]; expected = i; }
                }
            Assert.Equal(expected, host[t]);
        }
    }

    [Fact]
    public void OneListIsTodaysGumbelSample()
    {
        using var logits = randn(200, 50, generator: new TorchSharp.torch.Generator(3));
        using var logProbs = logits.log_softmax(1).to_type(ScalarType.Float64);
        using var today = GumbelSampler.Sample(logProbs, 9, 100);
        using var target = GumbelListSampler.SampleTarget(logProbs, 9, 100, 1);
        using var branch = GumbelListSampler.SampleBranch(logProbs, 9, 100, 0, 1);
        Assert.True(today.eq(target).all().item<bool>());
        Assert.True(today.eq(branch).all().item<bool>());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void TheTargetTokenIsDistributedAsQ(int lists)
    {
        var q = new[] { 0.05, 0.3, 0.1, 0.25, 0.2, 0.1 };
        const int positions = 6000;
        using var logQ = tensor(q).log().unsqueeze(0).expand(positions, q.Length).contiguous();
        using var tokens = GumbelListSampler.SampleTarget(logQ, 17, 0, lists);
        var counts = new double[q.Length];
        foreach (var token in tokens.data<long>().ToArray())
            counts[token]++;
        double chiSquare = q.Select((qi, i) => Math.Pow(counts[i] - positions * qi, 2) / (positions * qi)).Sum();
        // χ² with 5 degrees of freedom: Pr[χ² > 25.74] = 1e-4.
        Assert.True(chiSquare < 25.74, $"χ² = {chiSquare}");
    }
}
