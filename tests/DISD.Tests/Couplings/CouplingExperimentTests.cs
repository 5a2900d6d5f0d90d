using DISD.Couplings;
using TorchSharp;

namespace DISD.Tests.Couplings;

public class CouplingExperimentTests
{
    private static (List<double[]> Large, List<double[]> Small) Rows(int count, int size)
    {
        var random = new Random(40);
        var large = new List<double[]>();
        var small = new List<double[]>();
        for (int i = 0; i < count; i++)
        {
            var (p, q) = RandomPairs.Related(random, size, 1 + i % 3, 0.3 * (i + 1));
            large.Add(p);
            small.Add(q);
        }
        return (large, small);
    }

    [Fact]
    public void RowsCarryTheExactFormsBoundsAndEstimates()
    {
        var (large, small) = Rows(6, 80);
        var reported = new List<int>();
        var progress = new SynchronousProgress(reported);
        var rows = CouplingExperiment.Run(large, small, 5, 4_000, new RaceEstimator(), 3, progress);

        Assert.Equal(5, rows.Count);
        Assert.Equal(Enumerable.Range(1, 5), reported.OrderBy(x => x));
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            double dtv = TotalVariation.Distance(large[i], small[i]);
            Assert.Equal(i, row.Token);
            Assert.Equal(dtv, row.Dtv);
            Assert.Equal(1 - dtv, row.UpperBound);
            Assert.Equal((1 - dtv) / (1 + dtv), row.LowerBound);
            Assert.Equal(CouplingBounds.TightLower(large[i], small[i]), row.TightLowerBound);
            Assert.Equal(ExactAgreement.Gumbel(large[i], small[i]), row.GumbelExact);
            Assert.Equal(ExactAgreement.WeightedMinHash(large[i], small[i]), row.WmhExact);
            Assert.Equal(4_000, row.Gumbel.Retries);
            Assert.True(Math.Abs(row.Gumbel.Rate - row.GumbelExact) <= 5 * BruteForce.Sigma(row.GumbelExact, 4_000) + 1e-12);
            Assert.True(Math.Abs(row.Wmh.Rate - row.WmhExact) <= 5 * BruteForce.Sigma(row.WmhExact, 4_000) + 1e-12);
        }
    }

    [Fact]
    public void SameSeedGivesSameRowsAndAnotherSeedDoesNot()
    {
        var (large, small) = Rows(4, 200);
        var first = CouplingExperiment.Run(large, small, 4, 3_000, new RaceEstimator(), 17);
        var again = CouplingExperiment.Run(large, small, 4, 3_000, new RaceEstimator(), 17);
        var other = CouplingExperiment.Run(large, small, 4, 3_000, new RaceEstimator(), 18);
        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(r => r.Gumbel), other.Select(r => r.Gumbel));
    }

    [Fact]
    public void DenseEngineRunsInOrderAndMatchesExactForms()
    {
        var (large, small) = Rows(3, 64);
        using var dense = new DenseEstimator(torch.CPU);
        var rows = CouplingExperiment.Run(large, small, 3, 5_000, dense, 5);
        foreach (var row in rows)
        {
            Assert.True(Math.Abs(row.Gumbel.Rate - row.GumbelExact) <= 5 * BruteForce.Sigma(row.GumbelExact, 5_000) + 1e-12);
            Assert.True(Math.Abs(row.Wmh.Rate - row.WmhExact) <= 5 * BruteForce.Sigma(row.WmhExact, 5_000) + 1e-12);
        }
    }

    [Fact]
    public void RejectsTooFewRowsAndMismatchedWidths()
    {
        var (large, small) = Rows(3, 10);
        var tooFew = Assert.Throws<ArgumentException>(() => CouplingExperiment.Run(large, small, 4, 10, new RaceEstimator(), 1));
        Assert.Contains("4 tokens requested", tooFew.Message);
        small[1] = small[1].Take(9).ToArray();
        var width = Assert.Throws<ArgumentException>(() => CouplingExperiment.Run(large, small, 3, 10, new RaceEstimator(), 1));
        Assert.Contains("Row 1", width.Message);
    }

    private sealed class SynchronousProgress(List<int> sink) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (sink)
                sink.Add(value);
        }
    }
}
