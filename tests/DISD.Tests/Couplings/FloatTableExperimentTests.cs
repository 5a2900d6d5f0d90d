using DISD.Couplings;

namespace DISD.Tests.Couplings;

/// <summary>
/// The coupling experiment on float32 tables (what plot-coupling reads) gives exactly the results of the same tables
/// widened to double, whatever the per-thread scratch arrays held before; and a scratch slot rented twice on one thread
/// gives two different arrays.
/// </summary>
public class FloatTableExperimentTests
{
    [Fact]
    public void FloatRowsGiveTheResultsOfTheirWidenedDoubles()
    {
        var random = new Random(4);
        const int positions = 6, vocab = 3_001;
        var large = new float[positions][];
        var small = new float[positions][];
        for (int t = 0; t < positions; t++)
        {
            large[t] = Row(random, vocab, sharpness: 2 + t);
            small[t] = Row(random, vocab, sharpness: 1);
        }
        var widenedLarge = large.Select(row => Array.ConvertAll(row, v => (double)v)).ToArray();
        var widenedSmall = small.Select(row => Array.ConvertAll(row, v => (double)v)).ToArray();

        var fromDoubles = CouplingExperiment.Run(widenedLarge, widenedSmall, positions, 2_000, new RaceEstimator(), seed: 3,
            listSizes: [2]);
        // Twice on floats: the second run finds the scratch arrays dirty from the first.
        for (int run = 0; run < 2; run++)
        {
            var fromFloats = CouplingExperiment.Run(large.Select(r => (ReadOnlyMemory<float>)r).ToArray(),
                small.Select(r => (ReadOnlyMemory<float>)r).ToArray(), positions, 2_000, new RaceEstimator(), seed: 3, listSizes: [2]);
            for (int t = 0; t < positions; t++)
            {
                Assert.Equal(fromDoubles[t] with { Lists = [] }, fromFloats[t] with { Lists = [] });
                Assert.Equal(fromDoubles[t].Lists, fromFloats[t].Lists);
            }
        }
    }

    [Fact]
    public void ARentedSlotRentedAgainOnTheSameThreadIsAnotherArray()
    {
        var first = ScratchArrays.Rent<double>(100, 7);
        var second = ScratchArrays.Rent<double>(100, 7);
        Assert.NotSame(first, second);
        ScratchArrays.Return(second, 7);
        ScratchArrays.Return(first, 7);
        Assert.Same(first, ScratchArrays.Rent<double>(100, 7));
        ScratchArrays.Return(first, 7);
    }

    private static float[] Row(Random random, int vocab, double sharpness)
    {
        var weights = Enumerable.Range(0, vocab).Select(_ => Math.Exp(sharpness * random.NextDouble() * 3)).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => (float)(w / sum)).ToArray();
    }
}
