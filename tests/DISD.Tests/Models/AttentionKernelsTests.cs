using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>q·Kᵀ and p·V over a cache-shaped view (Models/Kernels/AttentionKernels).</summary>
public class AttentionKernelsTests
{
    [Theory]
    [InlineData(1, 1, 5, 64)]
    [InlineData(4, 2, 517, 128)]
    [InlineData(2, 15, 70, 256)]
    [InlineData(1, 16, 300, 64)]
    [InlineData(3, 7, 40, 48)]
    [InlineData(1, 4, 9, 16)]
    public void ScoresAndMixMatchFloat64WithinTheRoundingBound(int heads, int rows, int keys, int headDim)
    {
        var generator = new Random(heads * 100 + rows);
        using var q = tensor(KernelReference.RandomFloats(generator, heads * rows * headDim), [heads, rows, headDim]);
        // The cache holds more positions than are attended to: per-head rows are contiguous, heads are not.
        using var cache = tensor(KernelReference.RandomFloats(generator, heads * (keys + 9) * headDim), [heads, keys + 9, headDim]);
        using var k = cache.narrow(1, 3, keys);
        using var p = tensor(KernelReference.RandomFloats(generator, heads * rows * keys).Select(Math.Abs).ToArray(), [heads, rows, keys]);
        Assert.True(AttentionKernels.Apply(q, k, k));

        using var scores = AttentionKernels.Scores(q, k, threads: 2);
        using var mixed = AttentionKernels.Mix(p, k, threads: 2);
        var qs = q.data<float>().ToArray();
        var ks = k.contiguous().data<float>().ToArray();
        var ps = p.data<float>().ToArray();
        var s = scores.data<float>().ToArray();
        var m = mixed.data<float>().ToArray();
        for (int h = 0; h < heads; h++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < keys; j++)
                    KernelReference.AssertWithinRoundingBound(s[(h * rows + r) * keys + j],
                        Enumerable.Range(0, headDim).Select(d => (double)qs[(h * rows + r) * headDim + d] * ks[(h * keys + j) * headDim + d]));
                for (int d = 0; d < headDim; d++)
                    KernelReference.AssertWithinRoundingBound(m[(h * rows + r) * headDim + d],
                        Enumerable.Range(0, keys).Select(j => (double)ps[(h * rows + r) * keys + j] * ks[(h * keys + j) * headDim + d]));
            }
        }
    }

    /// <summary>A query row's scores and mix do not depend on the rows beside it or the thread count, bit for bit.</summary>
    [Fact]
    public void ARowsResultIsTheSameInEveryBlockAndWithEveryThreadCount()
    {
        const int heads = 2, keys = 333, headDim = 144;
        var generator = new Random(3);
        using var q = tensor(KernelReference.RandomFloats(generator, heads * 16 * headDim), [heads, 16, headDim]);
        using var p = tensor(KernelReference.RandomFloats(generator, heads * 16 * keys), [heads, 16, keys]);
        using var k = tensor(KernelReference.RandomFloats(generator, heads * keys * headDim), [heads, keys, headDim]);
        using var allScores = AttentionKernels.Scores(q, k, threads: 1);
        using var allMixed = AttentionKernels.Mix(p, k, threads: 1);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            foreach (int rows in new[] { 1, 2, 5, 16 })
            {
                using var qRows = q.narrow(1, 16 - rows, rows);
                using var pRows = p.narrow(1, 16 - rows, rows);
                using var scores = AttentionKernels.Scores(qRows, k, threads);
                using var mixed = AttentionKernels.Mix(pRows, k, threads);
                using var expectedScores = allScores.narrow(1, 16 - rows, rows).contiguous();
                using var expectedMixed = allMixed.narrow(1, 16 - rows, rows).contiguous();
                Assert.Equal(expectedScores.data<float>().ToArray(), scores.data<float>().ToArray());
                Assert.Equal(expectedMixed.data<float>().ToArray(), mixed.data<float>().ToArray());
            }
        }
    }

    /// <summary>p·V gives the same bits on every path: each output one fused multiply-add chain over the keys in
    /// order from zero, computed here in plain C#.</summary>
    [Theory]
    [InlineData(CpuKernelPath.Avx512)]
    [InlineData(CpuKernelPath.Avx2)]
    [InlineData(CpuKernelPath.Portable)]
    public void MixIsOneChainOverTheKeysOnEveryPath(CpuKernelPath path)
    {
        const int heads = 2, rows = 7, keys = 45, headDim = 80;
        var generator = new Random(11);
        using var p = tensor(KernelReference.RandomFloats(generator, heads * rows * keys), [heads, rows, keys]);
        using var v = tensor(KernelReference.RandomFloats(generator, heads * keys * headDim), [heads, keys, headDim]);
        using var mixed = AttentionKernels.Mix(p, v, threads: 2, path);
        float[] ps = p.data<float>().ToArray(), vs = v.data<float>().ToArray(), m = mixed.data<float>().ToArray();
        for (int h = 0; h < heads; h++)
            for (int r = 0; r < rows; r++)
                for (int d = 0; d < headDim; d++)
                {
                    float chain = 0;
                    for (int j = 0; j < keys; j++)
                        chain = MathF.FusedMultiplyAdd(ps[(h * rows + r) * keys + j], vs[(h * keys + j) * headDim + d], chain);
                    Assert.True(chain == m[(h * rows + r) * headDim + d], $"out[{h}, {r}, {d}]");
                }
    }

    /// <summary>The softmax gives, bit for bit, what its definition gives one value at a time in plain C#: the max,
    /// exp(x − max), the sum from 0 over the keys in order, then each times 1/sum; for any row count (rows are summed
    /// side by side in groups), row length and thread count, with masked keys and a fully masked row.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 1)]
    [InlineData(13, 517, 2)]
    [InlineData(40, 33, 3)]
    public void SoftmaxIsItsDefinitionWithTheSumInKeyOrder(int rows, int keys, int threads)
    {
        var generator = new Random(rows * 31 + keys);
        var values = KernelReference.RandomFloats(generator, rows * keys).Select(v => v * 8).ToArray();
        for (int i = 0; i < values.Length; i += 5)
            values[i] = float.NegativeInfinity;
        if (rows > 2)
            Array.Fill(values, float.NegativeInfinity, keys, keys);
        using var scores = tensor(values, [rows, keys]);
        AttentionKernels.SoftmaxInPlace(scores, threads);
        var actual = scores.data<float>().ToArray();
        for (int r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * keys, keys);
            float max = float.NegativeInfinity;
            foreach (float v in row)
                max = Math.Max(max, v);
            var exps = new float[keys];
            float sum = 0;
            for (int i = 0; i < keys; i++)
            {
                exps[i] = PortableExp.Exp(row[i] - max);
                sum += exps[i];
            }
            float scale = 1 / sum;
            for (int i = 0; i < keys; i++)
            {
                float expected = exps[i] * scale, computed = actual[r * keys + i];
                bool same = float.IsNaN(expected)
                    ? float.IsNaN(computed)
                    : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(computed);
                Assert.True(same, $"row {r}, key {i}: {expected} expected, {computed} computed");
            }
        }
    }

    [Fact]
    public void TakesAnyRowCountAndLeavesOtherShapesToLibtorch()
    {
        using var q = zeros(2, 700, 64);
        using var k = zeros(2, 10, 64);
        using var odd = zeros(2, 3, 40);
        using var transposed = zeros(2, 64, 10).transpose(1, 2);
        Assert.True(AttentionKernels.Apply(q, k, k));
        Assert.False(AttentionKernels.Apply(odd, odd, odd));
        using var q2 = zeros(2, 3, 64);
        Assert.False(AttentionKernels.Apply(q2, transposed, k));
    }
}
