namespace DISD.Couplings;

/// <summary>Estimates Pr[a = b] of the communication-free couplings by simulation.</summary>
public interface IAgreementEstimator
{
    /// <summary>Gumbel sampling: per retry a = argmin −log(h_i)/p_i, b = argmin −log(h_i)/q_i with shared h ~ U(0,1)^V.</summary>
    AgreementEstimate Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed);

    /// <summary>
    /// Weighted MinHash: darts thrown uniformly under max(p, q); a (b) is the column of the first dart whose height is ≤ p (≤ q).
    /// </summary>
    AgreementEstimate WeightedMinHash(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed);
}
