using DISD.Models.Kernels;
using DISD.Testing;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// The hand-written CPU product of attention's q·Kᵀ (Models/Kernels/SmallBlockMatmul). Its eight lanes are a 256-bit
/// vector in hardware with AVX2 and in .NET's exact software fallback elsewhere; DISD.Tests.Runtime.CpuPathTests runs
/// the models with the fallback in a child process.
/// </summary>
public class SmallBlockMatmulTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 15, 7 }, { 16, 16, 5 }, { 5, 17, 64 }, { 8, 31, 130 }, { 9, 33, 3 }, { 16, 48, 257 },
        { 2, 1000, 65 }, { 7, 1072, 129 }, { 5, 2100, 97 }, { 12, 4096, 70 },
    };

    /// <summary>Bit for bit the order the kernel promises: eight lanes of fused multiply-add chains over k ≡ j (mod 8),
    /// the fixed tree ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), then the remaining terms in order.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachOutputFollowsTheEightLaneOrder(int rows, int k, int n)
    {
        var (x, w, result) = RandomProduct(new Random(rows * 31 + k), rows, k, n);
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < n; o++)
            {
                var lanes = new float[8];
                int full = k / 8 * 8;
                for (int i = 0; i < full; i++)
                    lanes[i % 8] = MathF.FusedMultiplyAdd(w[o * k + i], x[r * k + i], lanes[i % 8]);
                float sum = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
                for (int i = full; i < k; i++)
                    sum = MathF.FusedMultiplyAdd(x[r * k + i], w[o * k + i], sum);
                Assert.True(sum == result[r * n + o], $"y[{r}, {o}] = {result[r * n + o]}, the order gives {sum}");
            }
        }
    }

    /// <summary>Every element within the classic bound for a k-term dot product in float32: k·u·Σ|x_i w_i|.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesAFloat64ProductWithinTheRoundingBound(int rows, int k, int n)
    {
        var (x, w, result) = RandomProduct(new Random(rows * 1000 + k), rows, k, n);
        KernelReference.AssertProductWithinRoundingBound(x, w, result, rows, k, n);
    }

    /// <summary>A row's result does not depend on the rows beside it or on the thread count, bit for bit.</summary>
    [Fact]
    public void ARowsResultIsTheSameInEveryBlockAndWithEveryThreadCount()
    {
        const int k = 1056, n = 301;
        var generator = new Random(7);
        using var x = tensor(KernelReference.RandomFloats(generator, SmallBlockMatmul.MaxRows * k), [SmallBlockMatmul.MaxRows, k]);
        using var w = tensor(KernelReference.RandomFloats(generator, n * k), [n, k]);
        var single = new float[SmallBlockMatmul.MaxRows][];
        for (int r = 0; r < SmallBlockMatmul.MaxRows; r++)
        {
            using var row = x.narrow(0, r, 1).contiguous();
            using var y = SmallBlockMatmulHarness.Multiply(row, w, threads: 1);
            single[r] = y.data<float>().ToArray();
        }
        foreach (int threads in new[] { 1, 2, 3 })
        {
            for (int rows = 1; rows <= SmallBlockMatmul.MaxRows; rows++)
            {
                using var block = x.narrow(0, SmallBlockMatmul.MaxRows - rows, rows).contiguous();
                using var y = SmallBlockMatmulHarness.Multiply(block, w, threads);
                var result = y.data<float>().ToArray();
                for (int r = 0; r < rows; r++)
                    Assert.Equal(single[SmallBlockMatmul.MaxRows - rows + r], result[(r * n)..((r + 1) * n)]);
            }
        }
    }

    [Fact]
    public void RefusesWhatItCannotMultiply()
    {
        using var w = zeros(4, 8);
        using var tooMany = zeros(SmallBlockMatmul.MaxRows + 1, 8);
        using var wrongWidth = zeros(2, 9);
        using var half = zeros([2, 8], ScalarType.Float16);
        Assert.Throws<ArgumentException>(() => SmallBlockMatmulHarness.Multiply(tooMany, w, 1));
        Assert.Throws<ArgumentException>(() => SmallBlockMatmulHarness.Multiply(wrongWidth, w, 1));
        Assert.Throws<ArgumentException>(() => SmallBlockMatmulHarness.Multiply(half, w, 1));
    }

    /// <summary>Random x [rows, k] and w [n, k] and the kernel's x · wᵀ on 2 threads.</summary>
    private static (float[] X, float[] W, float[] Y) RandomProduct(Random generator, int rows, int k, int n)
    {
        float[] x = KernelReference.RandomFloats(generator, rows * k), w = KernelReference.RandomFloats(generator, n * k);
        using var xs = tensor(x, [rows, k]);
        using var ws = tensor(w, [n, k]);
        using var y = SmallBlockMatmulHarness.Multiply(xs, ws, threads: 2);
        return (x, w, y.data<float>().ToArray());
    }
}
