using DISD.Models.Kernels;
using DISD.Models.Layers;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// The CPU product for the models' projections (Models/Kernels/PanelMatmul), on each of its paths whatever this CPU
/// has: a path the CPU does not accelerate runs in .NET's software fallback, with the same arithmetic (fused
/// multiply-adds stay fused), so every path is checked on every machine.
/// </summary>
public class PanelMatmulTests
{
    /// <summary>Rows 1–16 (one to four groups) and prefill-sized blocks (more than one 64-row slice), k below, at and
    /// above the 1024-column block, n filling its last panel or not.</summary>
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 15, 7 }, { 16, 16, 5 }, { 5, 17, 64 }, { 6, 31, 130 }, { 9, 33, 3 }, { 16, 48, 257 },
        { 2, 1000, 65 }, { 7, 1072, 129 }, { 5, 2100, 97 }, { 12, 4096, 70 }, { 11, 2049, 128 },
        { 65, 40, 66 }, { 130, 1030, 33 },
    };

    public static TheoryData<int, int, int, CpuKernelPath> ShapesOnEveryPath()
    {
        var data = new TheoryData<int, int, int, CpuKernelPath>();
        foreach (var shape in Shapes())
            foreach (var path in Enum.GetValues<CpuKernelPath>())
                data.Add((int)shape[0], (int)shape[1], (int)shape[2], path);
        return data;
    }

    /// <summary>
    /// Bit for bit the order the kernel promises on every path: for each output, one chain of float32 fused
    /// multiply-adds over k from zero, computed here in plain C#.
    /// </summary>
    [Theory]
    [MemberData(nameof(ShapesOnEveryPath))]
    public void EachOutputIsOneFusedMultiplyAddChainOverK(int rows, int k, int n, CpuKernelPath path)
    {
        var generator = new Random(rows * 1000 + k);
        float[] x = KernelReference.RandomFloats(generator, rows * k), w = KernelReference.RandomFloats(generator, n * k);
        var result = Multiply(x, rows, k, w, n, threads: 2, path);
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < n; o++)
            {
                float chain = 0;
                for (int i = 0; i < k; i++)
                    chain = MathF.FusedMultiplyAdd(x[r * k + i], w[o * k + i], chain);
                Assert.True(chain == result[r * n + o], $"y[{r}, {o}] = {result[r * n + o]}, the chain gives {chain}");
            }
        }
    }

    /// <summary>Every element within the classic bound for a k-term dot product in float32: k·u·Σ|x_i w_i|.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesAFloat64ProductWithinTheRoundingBound(int rows, int k, int n)
    {
        var generator = new Random(rows * 7 + k);
        float[] x = KernelReference.RandomFloats(generator, rows * k), w = KernelReference.RandomFloats(generator, n * k);
        var result = Multiply(x, rows, k, w, n, threads: 3);
        KernelReference.AssertProductWithinRoundingBound(x, w, result, rows, k, n);
    }

    /// <summary>A row's result does not depend on the rows beside it or on the thread count, bit for bit: a verify
    /// block's rows equal one-token steps, and a prefill's rows equal them too.</summary>
    [Theory]
    [InlineData(CpuKernelPath.Avx512)]
    [InlineData(CpuKernelPath.Avx2)]
    [InlineData(CpuKernelPath.Portable)]
    public void ARowsResultIsTheSameInEveryBlockWithEveryThreadCountAndOnEveryPath(CpuKernelPath path)
    {
        const int k = 1056, n = 301, max = PanelMatmul.SliceRows + 6;
        var generator = new Random(7);
        float[] x = KernelReference.RandomFloats(generator, max * k), w = KernelReference.RandomFloats(generator, n * k);
        var single = Enumerable.Range(0, max).Select(r => Multiply(x[(r * k)..((r + 1) * k)], 1, k, w, n, threads: 1, CpuKernelPath.Avx512)).ToArray();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            for (int rows = 1; rows <= max; rows++)
            {
                var result = Multiply(x[((max - rows) * k)..], rows, k, w, n, threads, path);
                for (int r = 0; r < rows; r++)
                    Assert.Equal(single[max - rows + r], result[(r * n)..((r + 1) * n)]);
            }
        }
    }

    [Fact]
    public void PanelsHoldTheWeightsColumnsInOrderAndZeroPadding()
    {
        using var w = arange(0f, 130f * 3f).reshape(130, 3);
        using var panels = PanelMatmul.Pack(w, CpuKernelPath.Avx512);
        Assert.Equal([3L, 3, 64], panels.shape);
        Assert.Equal(w[129, 2].item<float>(), panels[2, 2, 1].item<float>());
        Assert.Equal(w[64, 1].item<float>(), panels[1, 1, 0].item<float>());
        Assert.Equal(0f, panels[2, 0, 2].item<float>());
        using var narrow = PanelMatmul.Pack(w, CpuKernelPath.Avx2);
        Assert.Equal([9L, 3, 16], narrow.shape);
        Assert.Equal(w[129, 2].item<float>(), narrow[8, 2, 1].item<float>());
        Assert.Equal(w[17, 1].item<float>(), narrow[1, 1, 1].item<float>());
        Assert.Equal(0f, narrow[8, 0, 2].item<float>());
    }

    [Theory]
    [InlineData(CpuKernelPath.Avx512)]
    [InlineData(CpuKernelPath.Avx2)]
    [InlineData(CpuKernelPath.Portable)]
    public void RowsGatheredFromPanelsAreTheWeightsRows(CpuKernelPath path)
    {
        using var w = randn(130, 24);
        using var panels = PanelMatmul.Pack(w, path);
        long[] picked = [0, 63, 64, 129, 5, 64];
        using var ids = tensor(picked);
        using var rows = PanelMatmul.Rows(panels, ids, 130);
        using var expected = w.index_select(0, ids);
        Assert.True(rows.eq(expected).all().item<bool>());
        using var padding = tensor(new long[] { 3, 130 });
        using var negative = tensor(new long[] { -1 });
        Assert.Contains("token id 130 is outside the vocabulary [0, 130)",
            Assert.Throws<ArgumentException>(() => PanelMatmul.Rows(panels, padding, 130)).Message);
        Assert.Throws<ArgumentException>(() => PanelMatmul.Rows(panels, negative, 130));
    }

    [Fact]
    public void RefusesWhatItCannotMultiply()
    {
        using var w = zeros(4, 8);
        using var panels = PanelMatmul.Pack(w);
        using var wrongWidth = zeros(2, 9);
        using var half = zeros([2, 8], ScalarType.Float16);
        using var flat = zeros(8);
        Assert.Throws<ArgumentException>(() => PanelMatmul.Multiply(wrongWidth, panels, 4, 1));
        Assert.Throws<ArgumentException>(() => PanelMatmul.Multiply(half, panels, 4, 1));
        Assert.Throws<ArgumentException>(() => PanelMatmul.Multiply(flat, panels, 4, 1));
        using var x = zeros(2, 8);
        Assert.Throws<ArgumentException>(() => PanelMatmul.Multiply(x, panels, 65, 1));
        Assert.Throws<ArgumentException>(() => PanelMatmul.Pack(zeros([4, 8], ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => PanelMatmul.Pack(zeros([4, 8], ScalarType.Int32)));
        using var wide = PanelMatmul.Pack(zeros(40, 8), CpuKernelPath.Avx512);
        Assert.Contains("on the avx2 path", Assert.Throws<ArgumentException>(() => PanelMatmul.Multiply(x, wide, 40, 1, CpuKernelPath.Avx2)).Message);
    }

    /// <summary>A bfloat16 or float16 weight (a tied table kept in the checkpoint's dtype until it is packed) is widened
    /// exactly: its panels equal those of its float32 copy, on every path, the last panel's padding included.</summary>
    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void NarrowWeightsArePackedAsTheirFloat32Widening(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var narrow = randn(new long[] { 131, 24 }, generator: new Generator(4)).to_type(dtype);
        foreach (var path in new[] { CpuKernelPath.Avx512, CpuKernelPath.Avx2, CpuKernelPath.Portable })
        {
            var packed = PanelMatmul.Pack(narrow, path);
            Assert.Equal(ScalarType.Float32, packed.dtype);
            var widened = PanelMatmul.Pack(narrow.to_type(ScalarType.Float32), path);
            Assert.Equal(widened.shape, packed.shape);
            Assert.True(packed.eq(widened).all().item<bool>());
        }
    }

    /// <summary>Linear.Apply multiplies a projection kept as panels with the kernel, for a step, a verify block or a
    /// prefill, adding the bias; a dense one with F.linear. Both agree within float32 rounding.</summary>
    [Fact]
    public void LinearUsesTheKernelForPanelsAndFLinearForDenseWeights()
    {
        var generator = new Random(3);
        const int k = 96, n = 70;
        using var weight = tensor(KernelReference.RandomFloats(generator, n * k), [n, k]);
        using var bias = tensor(KernelReference.RandomFloats(generator, n), [n]);
        using var panels = PanelMatmul.Pack(weight);
        var paneled = Projection.FromPanels(panels, n, bias);
        var dense = Projection.Dense(weight, bias);
        foreach (int rows in new[] { 1, 5, 16, 17, 100 })
        {
            using var x = tensor(KernelReference.RandomFloats(generator, rows * k), [1, rows, k]);
            using var reference = nn.functional.linear(x, weight, bias);
            using var viaDense = Linear.Apply(x, dense);
            Assert.True(viaDense.eq(reference).all().item<bool>());
            using var viaPanels = Linear.Apply(x, paneled);
            Assert.Equal(reference.shape, viaPanels.shape);
            Assert.True(viaPanels.allclose(reference, rtol: 1e-5, atol: 1e-5), $"{rows} rows");
            using var flat = x.reshape(rows, k);
            using var kernel = PanelMatmul.Multiply(flat, panels, n, threads: 1);
            Assert.True(viaPanels.eq(kernel.add_(bias).reshape(1, rows, n)).all().item<bool>());
        }
    }

    private static float[] Multiply(float[] x, int rows, int k, float[] w, int n, int threads, CpuKernelPath? path = null)
    {
        using var xs = tensor(x[..(rows * k)], [rows, k]);
        using var ws = tensor(w, [n, k]);
        var chosen = path ?? CpuKernels.Path;
        using var panels = PanelMatmul.Pack(ws, chosen);
        using var y = PanelMatmul.Multiply(xs, panels, n, threads, chosen);
        return y.data<float>().ToArray();
    }

}
