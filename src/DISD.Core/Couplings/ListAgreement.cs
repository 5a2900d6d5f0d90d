namespace DISD.Couplings;

/// <summary>
/// Gumbel list sampling with <see cref="Size"/> drafts at one position: Pr[target's token ∈ the drafter's list], by
/// the K-race Monte Carlo and by <see cref="ExactListAgreement"/>. Size 1 is the single-draft Gumbel agreement.
/// </summary>
public sealed record ListAgreement(int Size, AgreementEstimate MonteCarlo, double Exact);
