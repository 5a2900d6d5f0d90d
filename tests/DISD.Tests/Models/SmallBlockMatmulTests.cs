using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// The hand-written CPU product for decode steps and verify blocks (Models/Kernels/SmallBlockMatmul). On a CPU without
/// 512-bit vectors .NET runs the same arithmetic in software (slowly, fused multiply-adds still fused), so these tests
/// hold there too; the models then use F.linear.
/// </summary>
public class SmallBlockMatmulTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 15, 7 }, { 16, 16, 5 }, { 5, 17, 64 }, { 8, 31, 130 }, { 9, 33, 3 }, { 16, 48, 257 },
        { 2, 1000, 65 }, { 7, 1072, 129 }, { 5, 2100, 97 }, { 12, 4096, 70 },
    };

    /// <summary>Every element within the classic bound for a k-term dot product in float32: k·u·Σ|x_i w_i|.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesAFloat64ProductWithinTheRoundingBound(int rows, int k, int n)
    {
        var generator = new Random(rows * 1000 + k);
        float[] x = KernelReference.RandomFloats(generator, rows * k), w = KernelReference.RandomFloats(generator, n * k);
        using var xs = tensor(x, [rows, k]);
        using var ws = tensor(w, [n, k]);
        using var y = SmallBlockMatmul.Multiply(xs, ws, threads: 2);
        var result = y.data<float>().ToArray();
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
            using var y = SmallBlockMatmul.Multiply(row, w, threads: 1);
            single[r] = y.data<float>().ToArray();
        }
        foreach (int threads in new[] { 1, 2, 3 })
        {
            for (int rows = 1; rows <= SmallBlockMatmul.MaxRows; rows++)
            {
                using var block = x.narrow(0, SmallBlockMatmul.MaxRows - rows, rows).contiguous();
                using var y = SmallBlockMatmul.Multiply(block, w, threads);
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
        Assert.Throws<ArgumentException>(() => SmallBlockMatmul.Multiply(tooMany, w, 1));
        Assert.Throws<ArgumentException>(() => SmallBlockMatmul.Multiply(wrongWidth, w, 1));
        Assert.Throws<ArgumentException>(() => SmallBlockMatmul.Multiply(half, w, 1));
    }

}
