namespace DISD.Couplings;

/// <summary>Total variation distance between two probability vectors over the same vocabulary.</summary>
public static class TotalVariation
{
    /// <summary>D_TV(p, q) = 1 − Σ_i min(p_i, q_i) (equal to ½‖p − q‖₁ when both sum to 1).</summary>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DistributionChecks.RequireSameLength(p, q);
        double overlap = 0;
        for (int i = 0; i < p.Length; i++)
            overlap += Math.Min(p[i], q[i]);
        // Tables read back from float32 sum to 1 only within rounding, so the overlap can exceed 1 (e.g. p = q): clamp to [0, 1].
        return Math.Clamp(1 - overlap, 0, 1);
    }
}
