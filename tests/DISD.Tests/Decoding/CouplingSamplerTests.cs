using DISD.Couplings;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class CouplingSamplerTests
{
    private static readonly double[] P = [0.35, 0.25, 0.0, 0.2, 0.12, 0.08];
    private static readonly double[] Q = [0.05, 0.3, 0.15, 0.1, 0.0, 0.4];
    private const int Positions = 20000;

    [Theory]
    [InlineData("gumbel")]
    [InlineData("wmh")]
    public void MarginalMatchesOwnDistribution(string coupling)
    {
        foreach (var (distribution, seed) in new[] { (P, 3UL), (Q, 4UL) })
        {
            var samples = SampleMany(coupling, distribution, seed);
            var counts = new long[distribution.Length];
            foreach (var s in samples)
                counts[s]++;
            var expected = distribution.Select(p => p * Positions).ToArray();
            Assert.True(Statistics.ChiSquare(counts, expected) < Statistics.ChiSquareBound(distribution.Length - 1),
                $"{coupling}: counts {string.Join(",", counts)}");
        }
    }

    [Theory]
    [InlineData("gumbel")]
    [InlineData("wmh")]
    public void TwoPartiesAgreeAtTheExactPredictedRate(string coupling)
    {
        var fromP = SampleMany(coupling, P, 8);
        var fromQ = SampleMany(coupling, Q, 8);
        var agreement = fromP.Zip(fromQ).Count(pair => pair.First == pair.Second) / (double)Positions;
        var predicted = coupling == "gumbel" ? GumbelAgreementBruteForce(P, Q) : WmhAgreementBySeries(P, Q);
        var sigma = Math.Sqrt(predicted * (1 - predicted) / Positions);
        Assert.InRange(agreement, predicted - 5 * sigma, predicted + 5 * sigma);
    }

    [Fact]
    public void WmhAgreementIsAboveTheMinOverMaxBound()
    {
        // Σmin/Σmax only counts the first dart landing under min(p,q); later coincidences add the rest.
        var naive = P.Zip(Q).Sum(x => Math.Min(x.First, x.Second)) / P.Zip(Q).Sum(x => Math.Max(x.First, x.Second));
        var exact = WmhAgreementBySeries(P, Q);
        Assert.True(exact > naive + 0.02, $"exact {exact} vs Σmin/Σmax {naive}");
    }

    [Fact]
    public void SortedGumbelAgreementEqualsQuadraticFormula()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 20; trial++)
        {
            var vocab = 1 + random.Next(40);
            var p = RandomDistribution(random, vocab);
            var q = trial % 3 == 0 ? p.ToArray() : RandomDistribution(random, vocab);
            using var pt = tensor(p);
            using var qt = tensor(q);
            using var fast = GumbelSampler.Agreement(pt, qt);
            Assert.Equal(GumbelAgreementBruteForce(p, q), fast.item<double>(), 10);
        }
    }

    [Fact]
    public void ClosedFormWmhAgreementEqualsDartSeries()
    {
        var random = new Random(6);
        for (var trial = 0; trial < 20; trial++)
        {
            var vocab = 1 + random.Next(6);
            var p = RandomDistribution(random, vocab);
            var q = trial % 4 == 0 ? p.ToArray() : RandomDistribution(random, vocab);
            using var pt = tensor(p);
            using var qt = tensor(q);
            using var closed = WeightedMinHashSampler.Agreement(pt, qt);
            Assert.Equal(WmhAgreementBySeries(p, q), closed.item<double>(), 8);
        }
    }

    [Theory]
    [InlineData("gumbel")]
    [InlineData("wmh")]
    public void IdenticalDistributionsAlwaysAgreeAndZerosNeverWin(string coupling)
    {
        var a = SampleMany(coupling, P, 21);
        var b = SampleMany(coupling, P, 21);
        Assert.Equal(a, b);
        Assert.DoesNotContain(2L, a);
    }

    [Fact]
    public void WmhSettlesRowsThatMissTheFirstBatch()
    {
        // One token of mass 1 in a vocabulary of 5000: a batch of 1024 darts misses most of the time.
        var sampler = new WeightedMinHashSampler(dartsPerTokenPerBatch: 1, maxDartsPerBatch: 1024);
        using var p = zeros(8, 5000, ScalarType.Float32);
        using var column = tensor(new long[] { 1234 });
        p.index_fill_(1, column, 1.0);
        using var first = sampler.SampleFirstBatch(p, 2, 0);
        Assert.Contains(-1L, first.data<long>().ToArray());
        using var exact = sampler.Sample(p, 2, 0);
        Assert.All(exact.data<long>().ToArray(), token => Assert.Equal(1234L, token));
    }

    internal static long[] SampleMany(string coupling, double[] distribution, ulong seed)
    {
        using var scope = NewDisposeScope();
        var rows = tensor(distribution).to_type(ScalarType.Float32).unsqueeze(0).expand(Positions, -1).contiguous();
        var tokens = coupling == "gumbel"
            ? GumbelSampler.Sample(rows.log(), seed, 100)
            : new WeightedMinHashSampler().Sample(rows, seed, 100);
        return tokens.data<long>().ToArray();
    }

    internal static double GumbelAgreementBruteForce(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        var total = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            if (p[i] == 0 || q[i] == 0)
                continue;
            var denominator = 0.0;
            for (var j = 0; j < p.Count; j++)
                denominator += Math.Max(p[j] / p[i], q[j] / q[i]);
            total += 1 / denominator;
        }
        return total;
    }

    /// <summary>
    /// Agreement of the dart scheme summed over dart indices: P's first hit at dart n and Q's at dart m (n ≤ m or
    /// m ≤ n) in the same column, with every dart independent and uniform over [0,V)×[0,1).
    /// </summary>
    internal static double WmhAgreementBySeries(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        var v = (double)p.Count;
        var union = p.Zip(q).Sum(x => Math.Max(x.First, x.Second)) / v;   // a dart is under p or q
        var total = 0.0;
        const int maxDarts = 4000;
        for (var c = 0; c < p.Count; c++)
        {
            var both = Math.Min(p[c], q[c]) / v;
            var onlyP = Math.Max(0, p[c] - q[c]) / v;
            var onlyQ = Math.Max(0, q[c] - p[c]) / v;
            var missBefore = 1.0;   // (1 − union)^(n−1)
            for (var n = 1; n <= maxDarts; n++)
            {
                total += missBefore * both;
                // P hits column c at dart n above q_c; Q's first later hit of q is in column c with weight q_c/V per dart.
                var missQ = 1.0;
                for (var gap = 1; gap <= maxDarts - n; gap++)
                {
                    total += missBefore * (onlyP * missQ * q[c] / v + onlyQ * missQ * p[c] / v);
                    missQ *= 1 - 1 / v;
                    if (missQ < 1e-15)
                        break;
                }
                missBefore *= 1 - union;
                if (missBefore < 1e-15)
                    break;
            }
        }
        return total;
    }

    private static double[] RandomDistribution(Random random, int vocab)
    {
        var weights = Enumerable.Range(0, vocab).Select(_ => random.NextDouble() < 0.2 ? 0 : random.NextDouble()).ToArray();
        if (weights.Sum() == 0)
            weights[random.Next(vocab)] = 1;
        var sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }
}
