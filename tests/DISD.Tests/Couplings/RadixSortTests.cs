using DISD.Couplings;
using static TorchSharp.torch;

namespace DISD.Tests.Couplings;

/// <summary>The radix sort behind the exact Gumbel agreement (Couplings/RadixSort) and the host agreement it serves.</summary>
public class RadixSortTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 1)]
    [InlineData(5000, 2)]
    [InlineData(70_000, 3)]
    public void SortsLikeArraySortAndCarriesThePermutationStably(int n, int seed)
    {
        var random = new Random(seed);
        double[] specials = [0, double.PositiveInfinity, double.Epsilon, 1e-300, 1, 1, 1e300, 0.5];
        var keys = Enumerable.Range(0, n).Select(i => random.Next(4) switch
        {
            0 => specials[random.Next(specials.Length)],
            1 => Math.Exp(random.NextDouble() * 40 - 20),
            2 => Math.Round(random.NextDouble() * 10),
            _ => random.NextDouble(),
        }).ToArray();
        var original = keys.ToArray();
        var items = Enumerable.Range(0, n).ToArray();
        RadixSort.SortNonNegative(keys, items);

        var expected = original.ToArray();
        Array.Sort(expected);
        Assert.Equal(expected, keys);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(original[items[i]], keys[i]);
            if (i > 0 && keys[i] == keys[i - 1])
                Assert.True(items[i] > items[i - 1], "equal keys keep their order");
        }
    }

    [Fact]
    public void RefusesNegativeAndNaNKeys()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RadixSort.SortNonNegative([1, -1e-9], [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RadixSort.SortNonNegative([double.NaN], [0]));
    }

    /// <summary>On the CPU the agreement goes through the host algorithm; it matches the tensor form (kept for other
    /// devices) row by row, with zeros in p or q and ties, and a row with a NaN gives NaN as the tensor form does.</summary>
    [Fact]
    public void HostAgreementMatchesTheTensorForm()
    {
        var random = new Random(9);
        const int rows = 6, vocab = 3000;
        var p = new double[rows * vocab];
        var q = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < vocab; i++)
            {
                p[r * vocab + i] = r == 1 && i % 5 == 0 ? 0 : Math.Exp(random.NextDouble() * 8);
                q[r * vocab + i] = r == 2 && i % 7 == 0 ? 0 : r == 3 ? p[r * vocab + i] * 2 : Math.Exp(random.NextDouble() * 8);
            }
            double sp = p.Skip(r * vocab).Take(vocab).Sum(), sq = q.Skip(r * vocab).Take(vocab).Sum();
            for (int i = 0; i < vocab; i++)
            {
                p[r * vocab + i] /= sp;
                q[r * vocab + i] /= sq;
            }
        }
        using var pt = tensor(p, [rows, vocab]);
        using var qt = tensor(q, [rows, vocab]);
        using var host = GumbelSampler.Agreement(pt, qt);
        using var reference = GumbelSampler.TensorAgreement(pt, qt);
        var h = host.data<double>().ToArray();
        var t = reference.data<double>().ToArray();
        for (int r = 0; r < rows; r++)
            Assert.True(Math.Abs(h[r] - t[r]) <= 1e-12, $"row {r}: host {h[r]}, tensor {t[r]}");
        Assert.Equal(1.0, h[3], 12);

        // Float32 rows (a model's probabilities) take the row-by-row widening path: the same values as the tensor form's.
        using var p32 = pt.to_type(ScalarType.Float32);
        using var q32 = qt.to_type(ScalarType.Float32);
        using var host32 = GumbelSampler.Agreement(p32, q32);
        using var reference32 = GumbelSampler.TensorAgreement(p32, q32);
        var h32 = host32.data<double>().ToArray();
        var t32 = reference32.data<double>().ToArray();
        for (int r = 0; r < rows; r++)
            Assert.True(Math.Abs(h32[r] - t32[r]) <= 1e-12, $"float32 row {r}: host {h32[r]}, tensor {t32[r]}");

        p[5] = double.NaN;
        using var withNaN = tensor(p, [rows, vocab]);
        using var nan = GumbelSampler.Agreement(withNaN, qt);
        Assert.True(double.IsNaN(nan.data<double>()[0]));
        using var nan32 = GumbelSampler.Agreement(withNaN.to_type(ScalarType.Float32), q32);
        Assert.True(double.IsNaN(nan32.data<double>()[0]));
    }
}
