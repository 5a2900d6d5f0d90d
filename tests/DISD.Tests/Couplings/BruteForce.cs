namespace DISD.Tests.Couplings;

/// <summary>Independent, deliberately naive references for the coupling formulas.</summary>
internal static class BruteForce
{
    /// <summary>Σ_i 1/Σ_j max(p_j/p_i, q_j/q_i), O(V²).</summary>
    public static double GumbelExact(double[] p, double[] q)
    {
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0 || q[i] <= 0)
                continue;
            double s = 0;
            for (int j = 0; j < p.Length; j++)
                s += Math.Max(p[j] / p[i], q[j] / q[i]);
            total += 1 / s;
        }
        return total;
    }

    /// <summary>
    /// First-dart decomposition: the first dart lands under both curves (a = b), or under only one of them, in which case
    /// the other side's first dart is a fresh draw from its own distribution.
    /// </summary>
    public static double WeightedMinHashExact(double[] p, double[] q)
    {
        double sumMax = 0;
        for (int i = 0; i < p.Length; i++)
            sumMax += Math.Max(p[i], q[i]);
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double both = Math.Min(p[i], q[i]) / sumMax;
            double onlyP = Math.Max(p[i] - q[i], 0) / sumMax;
            double onlyQ = Math.Max(q[i] - p[i], 0) / sumMax;
            total += both + onlyP * q[i] + onlyQ * p[i];
        }
        return total;
    }

    /// <summary>The original's Gumbel retry: h ~ U(0,1)^V, argmin −log(h)/p vs argmin −log(h)/q.</summary>
    public static (int A, int B) GumbelTrial(double[] p, double[] q, Random random)
    {
        int a = -1, b = -1;
        double bestA = double.PositiveInfinity, bestB = double.PositiveInfinity;
        for (int i = 0; i < p.Length; i++)
        {
            double e = -Math.Log(1 - random.NextDouble());
            if (e / p[i] < bestA) { bestA = e / p[i]; a = i; }
            if (e / q[i] < bestB) { bestB = e / q[i]; b = i; }
        }
        return (a, b);
    }

    /// <summary>The original's Weighted-MinHash retry: one dart at a time, uniform under max(p, q), linear search for its column.</summary>
    public static (int A, int B) DartTrial(double[] p, double[] q, Random random)
    {
        double sumMax = 0;
        for (int i = 0; i < p.Length; i++)
            sumMax += Math.Max(p[i], q[i]);
        int a = -1, b = -1;
        while (a < 0 || b < 0)
        {
            double dart = random.NextDouble() * sumMax;
            int column = 0;
            double start = 0;
            while (column < p.Length - 1 && start + Math.Max(p[column], q[column]) <= dart)
            {
                start += Math.Max(p[column], q[column]);
                column++;
            }
            double height = dart - start;
            if (a < 0 && p[column] > 0 && height <= p[column]) a = column;
            if (b < 0 && q[column] > 0 && height <= q[column]) b = column;
        }
        return (a, b);
    }

    public static double Sigma(double rate, int count) => Math.Sqrt(rate * (1 - rate) / count);
}
