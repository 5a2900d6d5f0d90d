using DISD.IO;

namespace DISD.Reports;

/// <summary>
/// Means over a set of positions (one prompt's, or all prompts' of a model pair): D_TV, observed and exact agreement of
/// Gumbel sampling and weighted MinHash, and their ratios to the (1 − D)/(1 + D) bound and to the optimal 1 − D. A
/// ratio is the mean of the per-position ratios over the positions where the denominator is positive (D &lt; 1), so
/// the exact agreements' bound ratios are ≥ 1 and their optimal ratios ≤ 1, as the theory says for every position.
/// </summary>
public sealed record CouplingAggregate(
    int Positions,
    double MeanDtv,
    double Gumbel,
    double GumbelExact,
    double Wmh,
    double WmhExact,
    double GumbelOverBound,
    double GumbelExactOverBound,
    double WmhOverBound,
    double WmhExactOverBound,
    double GumbelOverOptimal,
    double GumbelExactOverOptimal,
    double WmhOverOptimal,
    double WmhExactOverOptimal)
{
    public static CouplingAggregate Of(IReadOnlyList<CouplingResultRow> rows)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var bounded = rows.Where(r => r.Dtv < 1).ToArray();
        double Bound(CouplingResultRow r) => (1 - r.Dtv) / (1 + r.Dtv);
        double Optimal(CouplingResultRow r) => 1 - r.Dtv;
        double Ratio(Func<CouplingResultRow, double> value, Func<CouplingResultRow, double> denominator) =>
            bounded.Length == 0 ? double.NaN : bounded.Average(r => value(r) / denominator(r));
        return new CouplingAggregate(
            rows.Count,
            rows.Average(r => r.Dtv),
            rows.Average(r => r.Gumbel),
            rows.Average(r => r.GumbelExact),
            rows.Average(r => r.Wmh),
            rows.Average(r => r.WmhExact),
            Ratio(r => r.Gumbel, Bound),
            Ratio(r => r.GumbelExact, Bound),
            Ratio(r => r.Wmh, Bound),
            Ratio(r => r.WmhExact, Bound),
            Ratio(r => r.Gumbel, Optimal),
            Ratio(r => r.GumbelExact, Optimal),
            Ratio(r => r.Wmh, Optimal),
            Ratio(r => r.WmhExact, Optimal));
    }
}
