using DISD.Couplings;

namespace DISD.Cli.Commands;

/// <summary>The <c>--json</c> output of <c>disd plot-coupling</c> (keys in snake_case).</summary>
public sealed record PlotCouplingSummary(
    string InputText,
    string ModelLarge,
    string ModelSmall,
    string CsvLarge,
    string CsvSmall,
    int VocabSize,
    int NumTokens,
    int NumRetries,
    string Engine,
    ulong Seed,
    string Figure,
    string ResultsCsv,
    double MeanDtv,
    double MeanGumbel,
    double MeanWmh,
    double MeanGumbelExact,
    double MeanWmhExact,
    double Seconds,
    IReadOnlyList<PositionSummary> Positions,
    IReadOnlyList<ListSizeSummary> Lists);

/// <summary>Mean Gumbel list agreement over the positions for one list size.</summary>
public sealed record ListSizeSummary(int Size, double MeanMonteCarlo, double MeanExact);

/// <summary>One position's Gumbel list agreement for one list size.</summary>
public sealed record PositionListSummary(int Size, double Rate, double Exact, double StdErr);

/// <summary>One position of <see cref="PlotCouplingSummary"/>, the columns of the results CSV.</summary>
public sealed record PositionSummary(
    int Token,
    double Dtv,
    double Gumbel,
    double Wmh,
    double GumbelExact,
    double WmhExact,
    double TightLowerBound,
    double UpperBound,
    double LowerBound,
    double GumbelStdErr,
    double WmhStdErr,
    int Retries,
    IReadOnlyList<PositionListSummary> Lists)
{
    public static PositionSummary From(PositionCoupling row) => new(
        row.Token, row.Dtv, row.Gumbel.Rate, row.Wmh.Rate, row.GumbelExact, row.WmhExact,
        row.TightLowerBound, row.UpperBound, row.LowerBound, row.Gumbel.StandardError, row.Wmh.StandardError, row.Gumbel.Retries,
        row.Lists.Select(l => new PositionListSummary(l.Size, l.MonteCarlo.Rate, l.Exact, l.MonteCarlo.StandardError)).ToArray());
}
