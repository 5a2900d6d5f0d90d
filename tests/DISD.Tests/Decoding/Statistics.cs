namespace DISD.Tests.Decoding;

internal static class Statistics
{
    public static double ChiSquare(IReadOnlyList<long> observed, IReadOnlyList<double> expected)
    {
        var sum = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            if (expected[i] == 0)
            {
                Assert.Equal(0, observed[i]);
                continue;
            }
            var d = observed[i] - expected[i];
            sum += d * d / expected[i];
        }
        return sum;
    }

    /// <summary>A loose upper bound for a chi-square statistic with <paramref name="dof"/> degrees of freedom (≈ mean + 5 sd).</summary>
    public static double ChiSquareBound(int dof) => dof + 5 * Math.Sqrt(2.0 * dof) + 5;

    public static double KolmogorovSmirnovUniform(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var n = sorted.Length;
        var d = 0.0;
        for (var i = 0; i < n; i++)
            d = Math.Max(d, Math.Max(Math.Abs((i + 1.0) / n - sorted[i]), Math.Abs(sorted[i] - (double)i / n)));
        return d;
    }
}
