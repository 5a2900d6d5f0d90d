using DISD.IO;

namespace DISD.Reports;

/// <summary>One plot-coupling result: a prompt's result folder, a model pair, and its positions.</summary>
/// <param name="Folder">The result folder's name under the data folder.</param>
/// <param name="RunId">The generate-distribution run of the tables ("" when they had no manifest).</param>
/// <param name="Trials">Monte-Carlo trials per position (from the results record; null when there is none).</param>
public sealed record CouplingResult(string Prompt, string Folder, string ModelLarge, string ModelSmall, string RunId, int? Trials, string? Engine,
    ulong? Seed, string ResultsCsv, IReadOnlyList<CouplingResultRow> Rows)
{
    public string Pair => $"{ModelLarge}_vs_{ModelSmall}";
}

/// <summary>A folder under the data folder that the report leaves out, and why (in words, with what to run).</summary>
public sealed record LeftOutFolder(string Folder, string Reason);

/// <summary>
/// Every plot-coupling result under a data folder: each result folder (a folder with a manifest.json, or with results
/// tables from tables without one) and each <c>coupling_&lt;large&gt;_vs_&lt;small&gt;.csv</c> in it. A results table
/// must belong to its folder's run (its RunId column and its record equal manifest.json's run_id); one that does
/// not was left by another run and stops the report, as plot-coupling refuses to pair tables of different runs.
/// </summary>
public static class CouplingResultSet
{
    private const string Prefix = "coupling_";

    /// <summary>
    /// The results under <paramref name="dataDir"/>; each folder without results goes to <paramref name="leftOut"/>, so
    /// the report can name it.
    /// </summary>
    /// <exception cref="DisdException">No result at all, or a results table of another run than its folder's.</exception>
    public static IReadOnlyList<CouplingResult> Collect(string dataDir, string option = "--data-dir", ICollection<LeftOutFolder>? leftOut = null)
    {
        if (!Directory.Exists(dataDir))
            throw new DisdException($"{option} {dataDir}: no such folder; give the --data-dir of generate-distribution and plot-coupling");
        var results = new List<CouplingResult>();
        foreach (var folder in Directory.EnumerateDirectories(dataDir).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var manifestPath = Path.Combine(folder, RunManifest.FileName);
            var manifest = File.Exists(manifestPath) ? RunManifest.Read(manifestPath) : null;
            var tables = Directory.EnumerateFiles(folder, Prefix + "*.csv").Order(StringComparer.Ordinal).ToList();
            foreach (var csv in tables)
            {
                results.Add(Read(csv, manifest, manifestPath));
            }

            if (tables.Count == 0)
                leftOut?.Add(new LeftOutFolder(Path.GetFileName(folder), WhyEmpty(folder, manifest)));
        }

        return results.Count > 0 ? results
            : throw new DisdException($"{option} {dataDir}: no plot-coupling results (<prompt>/coupling_*.csv) in any result folder; run "
                + "generate-distribution and plot-coupling first");
    }

    /// <summary>Why a folder has no results: tables not measured yet (a regenerated prompt loses its old results), or not a result folder at all.</summary>
    private static string WhyEmpty(string folder, RunManifest? manifest)
    {
        if (manifest is not null)
            return $"no plot-coupling results for the tables of run {manifest.RunId} ('{manifest.InputText}'); run plot-coupling for this prompt";
        var hasTables = Directory.EnumerateFiles(folder, "*" + DistributionTables.CsvSuffix)
            .Concat(Directory.EnumerateFiles(folder, "*" + DistributionTables.SafetensorsSuffix)).Any();
        return hasTables
            ? "distribution tables without plot-coupling results; run plot-coupling for this prompt"
            : "not a result folder (no manifest.json, no tables, no plot-coupling results)";
    }

    private static CouplingResult Read(string csv, RunManifest? manifest, string manifestPath)
    {
        var recordPath = Path.ChangeExtension(csv, CouplingRunManifest.Extension);
        var record = File.Exists(recordPath) ? CouplingRunManifest.Read(recordPath) : null;
        var rows = CouplingResultsCsv.Read(csv);
        var runId = manifest?.RunId ?? "";
        var stale = rows.Select(r => r.RunId).Append(record?.RunId ?? runId).FirstOrDefault(id => id != runId);
        if (stale is not null)
        {
            throw new DisdException($"{csv} comes from run {(stale.Length > 0 ? stale : "(none)")} but its folder's "
                + $"{(manifest is null ? "tables have no manifest" : $"{manifestPath} is run {runId}")}: "
                + "the results belong to tables of another run; rerun plot-coupling for this prompt (or remove the stale results)");
        }

        var (large, small) = record is not null ? (record.ModelLarge, record.ModelSmall) : PairOf(csv);
        var prompt = manifest?.InputText ?? record?.InputText ?? Path.GetFileName(Path.GetDirectoryName(csv)!);
        return new CouplingResult(prompt, Path.GetFileName(Path.GetDirectoryName(csv)!), large, small, runId, record?.NumRetries, record?.Engine, record?.Seed,
            csv, rows);
    }

    /// <summary>The pair of a results table's name, <c>coupling_&lt;large&gt;_vs_&lt;small&gt;.csv</c>.</summary>
    private static (string Large, string Small) PairOf(string csv)
    {
        var stem = Path.GetFileNameWithoutExtension(csv)[Prefix.Length..];
        var cut = stem.IndexOf("_vs_", StringComparison.Ordinal);
        return cut < 0 ? (stem, "") : (stem[..cut], stem[(cut + 4)..]);
    }
}
