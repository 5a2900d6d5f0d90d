namespace DISD.Couplings;

/// <summary>Reference curves of the coupling experiment (names as in the original plot).</summary>
public static class CouplingBounds
{
    /// <summary>"Upper Bound": 1 − D, the agreement of an optimal (communicating) coupling.</summary>
    public static double Upper(double dtv) => 1 - dtv;

    /// <summary>"Lower Bound": (1 − D)/(1 + D), Theorem 3's guarantee for communication-free couplings.</summary>
    public static double Lower(double dtv) => (1 - dtv) / (1 + dtv);

    /// <summary>
    /// The original's "Tight Lower Bound": Σ_i min_i / (min_i + Σ_j max_j − max_i), with
    /// min_i = min(p_i, q_i), max_i = max(p_i, q_i); tokens with min_i = 0 contribute 0.
    /// </summary>
    public static double TightLower(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DistributionChecks.RequireSameLength(p, q);
        double sumMax = 0;
        for (int i = 0; i < p.Length; i++)
            sumMax += Math.Max(p[i], q[i]);

        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double min = Math.Min(p[i], q[i]);
            if (min <= 0)
                continue;
            total += min / (min + sumMax - Math.Max(p[i], q[i]));
        }
        return total;
    }
}
