namespace DISD.Couplings;

/// <summary>One row of the coupling experiment: the pair (p = large model, q = small model) at position <see cref="Token"/>.</summary>
public sealed record PositionCoupling(
    int Token,
    double Dtv,
    AgreementEstimate Gumbel,
    AgreementEstimate Wmh,
    double GumbelExact,
    double WmhExact,
    double TightLowerBound,
    double UpperBound,
    double LowerBound)
{
    /// <summary>Gumbel list agreement per requested list size (target = the large model, drafter = the small one).</summary>
    public IReadOnlyList<ListAgreement> Lists { get; init; } = [];
}
