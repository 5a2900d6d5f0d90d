using System.Globalization;
using CsvHelper;
using DISD.Couplings;

namespace DISD.IO;

/// <summary>
/// The per-position results of the coupling experiment as CSV: the original script's columns, then the Monte-Carlo
/// details, then the id of the generate-distribution run the tables came from (manifest.json's run_id; empty for
/// tables without a manifest).
/// </summary>
public static class CouplingResultsCsv
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "Token", "DTV", "Gumbel", "WMH", "GumbelExact", "WMHExact", "Tight Lower Bound", "Upper Bound", "Lower Bound",
        "GumbelStdErr", "WMHStdErr", "Retries", "RunId",
    ];

    /// <summary>
    /// <see cref="Columns"/> followed, per list size K, by GumbelList{K} (Monte Carlo), GumbelList{K}Exact and
    /// GumbelList{K}StdErr: appended, so readers of the original columns are unaffected.
    /// </summary>
    public static IReadOnlyList<string> ColumnsFor(IReadOnlyList<int> listSizes) =>
    [
        .. Columns,
        .. listSizes.SelectMany(k => new[] { $"GumbelList{k}", $"GumbelList{k}Exact", $"GumbelList{k}StdErr" }),
    ];

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<PositionCoupling> results, string runId = "") =>
        AtomicFile.Write(path, stream => Write(stream, results, runId));

    /// <summary>Writes <paramref name="results"/> to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(Stream stream, IReadOnlyList<PositionCoupling> results, string runId = "")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(results);
        using var writer = CsvWriter.Create(stream, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: true);
        var listSizes = results.Count > 0 ? results[0].Lists.Select(list => list.Size).ToArray() : [];
        writer.WriteHeader(ColumnsFor(listSizes).ToArray());
        foreach (var row in results)
        {
            writer.WriteField(row.Token, default);
            writer.WriteField(row.Dtv, default);
            writer.WriteField(row.Gumbel.Rate, default);
            writer.WriteField(row.Wmh.Rate, default);
            writer.WriteField(row.GumbelExact, default);
            writer.WriteField(row.WmhExact, default);
            writer.WriteField(row.TightLowerBound, default);
            writer.WriteField(row.UpperBound, default);
            writer.WriteField(row.LowerBound, default);
            writer.WriteField(row.Gumbel.StandardError, default);
            writer.WriteField(row.Wmh.StandardError, default);
            writer.WriteField(row.Gumbel.Retries, default);
            writer.WriteField(runId);
            foreach (var list in row.Lists)
            {
                writer.WriteField(list.MonteCarlo.Rate, default);
                writer.WriteField(list.Exact, default);
                writer.WriteField(list.MonteCarlo.StandardError, default);
            }
            writer.EndRecord();
        }
    }
}
