namespace DISD.Tests.Models;

/// <summary>Inputs and float64 references for the tests of the hand-written CPU kernels.</summary>
internal static class KernelReference
{
    /// <summary>Uniform floats in [−1, 1).</summary>
    public static float[] RandomFloats(Random generator, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray();

    /// <summary>A float32 sum of products within the classic bound n·u·Σ|terms| of its float64 value.</summary>
    public static void AssertWithinRoundingBound(float actual, IEnumerable<double> terms, string what = "")
    {
        var list = terms.ToList();
        double exact = list.Sum(), bound = list.Count * Math.Pow(2, -24) * list.Sum(Math.Abs) * 1.01 + 1e-30;
        Assert.True(Math.Abs(actual - exact) <= bound, $"{what}{actual} vs exact {exact}, bound {bound}");
    }

    /// <summary>y [rows, n] = x [rows, k] · w [n, k]ᵀ, every element within the rounding bound.</summary>
    public static void AssertProductWithinRoundingBound(float[] x, float[] w, float[] y, int rows, int k, int n)
    {
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < n; o++)
                AssertWithinRoundingBound(y[r * n + o], Enumerable.Range(0, k).Select(i => (double)x[r * k + i] * w[o * k + i]), $"y[{r}, {o}] = ");
    }
}
