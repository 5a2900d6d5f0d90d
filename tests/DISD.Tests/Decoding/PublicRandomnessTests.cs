using DISD.Couplings;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class PublicRandomnessTests
{
    private static readonly ulong[] Seeds = [0UL, 1UL, 42UL, 0xDEADBEEFCAFEF00DUL, ulong.MaxValue];
    private static readonly long[] Positions = [0L, 1L, 7L, 1000L, 1L << 33, long.MaxValue];

    [Fact]
    public void TensorUniformsEqualScalarReference()
    {
        const int vocab = 517;
        foreach (var seed in Seeds)
        foreach (var position in Positions)
        {
            using var u64 = PublicRandomness.Uniforms(seed, position, vocab, CPU);
            using var u32 = PublicRandomness.Uniforms(seed, position, vocab, CPU, ScalarType.Float32);
            var values64 = u64.data<double>().ToArray();
            var values32 = u32.data<float>().ToArray();
            for (var i = 0; i < vocab; i++)
            {
                Assert.Equal(PublicRandomnessReference.UniformScalar(seed, position, i), values64[i]);
                Assert.Equal(PublicRandomnessReference.UniformScalarFloat32(seed, position, i), values32[i]);
            }
        }
    }

    [Fact]
    public void TensorDartsEqualScalarReference()
    {
        const int vocab = 3001;
        foreach (var seed in Seeds)
        foreach (var position in Positions)
        {
            const long start = 123_456;
            var (columns, heights) = PublicRandomness.Darts(seed, position, start, 400, vocab, CPU);
            using (columns)
            using (heights)
            {
                var c = columns.data<long>().ToArray();
                var h = heights.data<double>().ToArray();
                for (var j = 0; j < c.Length; j++)
                {
                    var (column, height) = PublicRandomnessReference.DartScalar(seed, position, start + j, vocab);
                    Assert.Equal(column, c[j]);
                    Assert.Equal(height, h[j]);
                }
            }
        }
    }

    [Fact]
    public void RowsOfManyPositionsEqualSinglePositionCalls()
    {
        using var rows = PublicRandomness.UniformsForPositions(9, 40, 5, 33, CPU);
        for (var r = 0; r < 5; r++)
        {
            using var single = PublicRandomness.Uniforms(9, 40 + r, 33, CPU);
            using var row = rows[r];
            Assert.Equal(single.data<double>().ToArray(), row.data<double>().ToArray());
        }
        var (columns, heights) = PublicRandomness.DartsForPositions(3, 10, 4, 50, 20, 99, CPU);
        var (oneColumns, oneHeights) = PublicRandomness.Darts(3, 12, 50, 20, 99, CPU);
        using (columns) using (heights) using (oneColumns) using (oneHeights)
        {
            Assert.Equal(oneColumns.data<long>().ToArray(), columns[2].data<long>().ToArray());
            Assert.Equal(oneHeights.data<double>().ToArray(), heights[2].data<double>().ToArray());
        }
    }

    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void UniformsAreStrictlyInsideUnitIntervalAndUniform(ScalarType dtype)
    {
        const int vocab = 4096;
        const int positions = 64;
        using var u = PublicRandomness.UniformsForPositions(5, 0, positions, vocab, CPU, dtype);
        var values = u.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.True(values.Min() > 0);
        Assert.True(values.Max() < 1);
        Assert.True(Statistics.KolmogorovSmirnovUniform(values) * Math.Sqrt(values.Length) < 2.0);
        var bins = new long[100];
        foreach (var v in values)
            bins[(int)(v * bins.Length)]++;
        var expected = Enumerable.Repeat((double)values.Length / bins.Length, bins.Length).ToArray();
        Assert.True(Statistics.ChiSquare(bins, expected) < Statistics.ChiSquareBound(bins.Length - 1));
    }

    [Fact]
    public void DartColumnsAndHeightsAreUniform()
    {
        const int vocab = 50;
        var (columns, heights) = PublicRandomness.DartsForPositions(77, 3, 20, 0, 5000, vocab, CPU);
        using (columns)
        using (heights)
        {
            var c = columns.data<long>().ToArray();
            var h = heights.data<double>().ToArray();
            Assert.All(c, column => Assert.InRange(column, 0, vocab - 1));
            Assert.True(h.Min() > 0 && h.Max() < 1);
            var counts = new long[vocab];
            foreach (var column in c)
                counts[column]++;
            var expected = Enumerable.Repeat((double)c.Length / vocab, vocab).ToArray();
            Assert.True(Statistics.ChiSquare(counts, expected) < Statistics.ChiSquareBound(vocab - 1));
            Assert.True(Statistics.KolmogorovSmirnovUniform(h) * Math.Sqrt(h.Length) < 2.0);
        }
    }

    [Fact]
    public void StreamsSeedsAndPositionsAreUncorrelated()
    {
        const int vocab = 20000;
        using var a = PublicRandomness.Uniforms(1, 5, vocab, CPU);
        using var otherSeed = PublicRandomness.Uniforms(2, 5, vocab, CPU);
        using var otherPosition = PublicRandomness.Uniforms(1, 6, vocab, CPU);
        using var otherStream = PublicRandomness.Uniforms(1, 5, vocab, CPU, ScalarType.Float64, RandomStream.StandardAccept);
        // Correlation of independent uniforms has sd 1/sqrt(n) ≈ 0.007.
        foreach (var other in new[] { otherSeed, otherPosition, otherStream })
        {
            using var stacked = stack([a, other]);
            using var correlation = corrcoef(stacked);
            Assert.InRange(correlation[0, 1].item<double>(), -0.05, 0.05);
        }
    }

    [Fact]
    public void UniformsOfOnePositionNeverTie()
    {
        using var u = PublicRandomness.Uniforms(11, 0, 1 << 16, CPU);
        using var unique = u.unique().Item1;
        Assert.Equal(1L << 16, unique.shape[0]);
    }
}
