using System.Globalization;
using System.Text;
using DISD.Reports;

namespace DISD.Cli.Commands;

/// <summary>One row of the report: a prompt × model pair.</summary>
public sealed record ReportRow(string Prompt, string Folder, string ModelLarge, string ModelSmall, string RunId, int? Trials, CouplingAggregate Aggregate);

public sealed record ReportPairSummary(string ModelLarge, string ModelSmall, int Prompts, CouplingAggregate Pooled);

/// <summary>The paths of everything the report wrote.</summary>
public sealed record ReportFiles(string Table, IReadOnlyList<string> Figures);

/// <summary>The <c>--json</c> object of <c>disd report</c>.</summary>
/// <param name="LeftOut">The folders under the data folder that hold no results, each with the reason.</param>
public sealed record ReportSummary(string DataDir, int Prompts, IReadOnlyList<ReportPairSummary> Pairs, IReadOnlyList<ReportRow> Rows, ReportFiles Files,
    IReadOnlyList<LeftOutFolder> LeftOut);

/// <summary>report.csv: one row per prompt × model pair, then a pooled row per pair (prompt "(pooled)").</summary>
internal static class ReportTable
{
    public const string Pooled = "(pooled)";

    private static readonly string[] Columns =
    [
        "prompt", "folder", "model_large", "model_small", "run_id", "trials", "positions", "mean_dtv",
        "gumbel", "gumbel_exact", "wmh", "wmh_exact",
        "gumbel_over_bound", "gumbel_exact_over_bound", "wmh_over_bound", "wmh_exact_over_bound",
        "gumbel_over_optimal", "gumbel_exact_over_optimal", "wmh_over_optimal", "wmh_exact_over_optimal",
    ];

    public static byte[] Csv(IReadOnlyList<ReportRow> rows, IReadOnlyList<(string Large, string Small, int Prompts, CouplingAggregate Pooled)> pairs)
    {
        var text = new StringBuilder().AppendJoin(',', Columns).Append('\n');
        foreach (var row in rows)
        {
            Line(text, [row.Prompt, row.Folder, row.ModelLarge, row.ModelSmall, row.RunId, row.Trials?.ToString(CultureInfo.InvariantCulture) ?? ""],
                row.Aggregate);
        }

        foreach (var (large, small, _, pooled) in pairs)
        {
            Line(text, [Pooled, "", large, small, "", ""], pooled);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Line(StringBuilder text, string[] fields, CouplingAggregate a)
    {
        var numbers = new[]
        {
            a.MeanDtv, a.Gumbel, a.GumbelExact, a.Wmh, a.WmhExact, a.GumbelOverBound, a.GumbelExactOverBound, a.WmhOverBound, a.WmhExactOverBound,
            a.GumbelOverOptimal, a.GumbelExactOverOptimal, a.WmhOverOptimal, a.WmhExactOverOptimal,
        };
        text.AppendJoin(',', fields.Select(Quote)).Append(',').Append(a.Positions.ToString(CultureInfo.InvariantCulture));
        // 15 significant digits: a mean of the per-position values reads 0.935, not its last-bit neighbour 0.9349999999999999
        // (a table for people and spreadsheets; --json keeps every bit).
        foreach (var n in numbers) text.Append(',').Append(n.ToString("G15", CultureInfo.InvariantCulture));
        text.Append('\n');
    }

    /// <summary>RFC 4180 quoting for prompts with commas, quotes or line breaks.</summary>
    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
