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

    /// <summary>The rows of a results table written by <see cref="Write(Stream, IReadOnlyList{PositionCoupling}, string)"/>.</summary>
    /// <exception cref="DisdException">Not such a table: a missing column, a value that is not a number.</exception>
    public static IReadOnlyList<CouplingResultRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new DisdException($"{path}: empty; expected a plot-coupling results table");
        var header = lines[0].Split(',');
        int Column(string name)
        {
            var at = Array.IndexOf(header, name);
            return at >= 0 ? at : throw new DisdException($"{path}: no column {name}; expected a plot-coupling results table ({string.Join(',', Columns)})");
        }

        var (dtv, gumbel, wmh, gumbelExact, wmhExact, runId) = (Column("DTV"), Column("Gumbel"), Column("WMH"), Column("GumbelExact"), Column("WMHExact"),
            Column("RunId"));
        var rows = new List<CouplingResultRow>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var fields = lines[i].Split(',');
            if (fields.Length != header.Length)
                throw new DisdException($"{path} line {i + 1}: {fields.Length} fields, the header has {header.Length}");
            double Number(int column) =>
                double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new DisdException($"{path} line {i + 1}, column {header[column]}: '{fields[column]}' is not a finite number");
            rows.Add(new CouplingResultRow(Number(dtv), Number(gumbel), Number(wmh), Number(gumbelExact), Number(wmhExact), fields[runId]));
        }

        return rows.Count > 0 ? rows : throw new DisdException($"{path}: no rows; expected a plot-coupling results table");
    }
}

/// <summary>One position of a results table, as <c>disd report</c> reads it.</summary>
public readonly record struct CouplingResultRow(double Dtv, double Gumbel, double Wmh, double GumbelExact, double WmhExact, string RunId);
