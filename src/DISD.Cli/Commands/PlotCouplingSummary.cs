using DISD.Couplings;
using DISD.IO;

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
    string BitIdentical,
    ulong Seed,
    string RunId,
    string Figure,
    string ResultsCsv,
    string ResultsRecord,
    string? ReplacedFigureOf,
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

/// <summary>One prompt of a --prompts-file run: its status, and its summary when it was done now.</summary>
/// <param name="Index">The prompt's 0-based index in --prompts-file.</param>
/// <param name="Skipped">For a skipped prompt, the record of the complete results that were kept.</param>
public sealed record PlotCouplingPromptStatus(int Index, string InputText, string Status, string? Message, CouplingRunManifest? Skipped,
    PlotCouplingSummary? Result);

/// <summary>The <c>--json</c> output of <c>disd plot-coupling --prompts-file</c>.</summary>
public sealed record PlotCouplingBatchSummary(
    string ModelLarge,
    string ModelSmall,
    string NumTokens,
    int NumRetries,
    string Engine,
    ulong Seed,
    string? Shard,
    double Seconds,
    int Done,
    int Skipped,
    int Failed,
    IReadOnlyList<PlotCouplingPromptStatus> Prompts);

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
