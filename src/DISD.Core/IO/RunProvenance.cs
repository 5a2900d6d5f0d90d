namespace DISD.IO;

/// <summary>The run a distribution table belongs to: the manifest.json beside it, when there is one.</summary>
/// <param name="Manifest">Null for a table without a manifest beside it (the original Python generator wrote none).</param>
public sealed record TableProvenance(string Table, string? ManifestPath, RunManifest? Manifest)
{
    /// <summary>The run id, "" when unknown.</summary>
    public string RunId => Manifest?.RunId ?? "";
}

/// <summary>
/// Checks that tables combined into one result (plot-coupling's pair) come from one generate-distribution run, so that
/// a table left by an earlier run, or one from another continuation, is never paired silently.
/// </summary>
public static class RunProvenance
{
    /// <summary>The provenance of <paramref name="table"/>.</summary>
    /// <exception cref="DisdException">A manifest lies beside the table but does not list it (the table was left by another run).</exception>
    public static TableProvenance Of(string table)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(table))!;
        var manifestPath = Path.Combine(folder, RunManifest.FileName);
        if (!File.Exists(manifestPath)) return new TableProvenance(table, null, null);
        var manifest = RunManifest.Read(manifestPath);
        var name = Path.GetFileName(table);
        if (!manifest.Models.Any(m => DistributionTables.FileOf(m) == name))
        {
            var listed = string.Join(", ", manifest.Models.Select(DistributionTables.FileOf));
            throw new DisdException(
                $"{table} is not a table of the run recorded in {manifestPath} (whose tables are {listed}); "
                + "it was left by another run: rerun generate-distribution with both models");
        }

        return new TableProvenance(table, manifestPath, manifest);
    }

    /// <summary>The run id both tables share ("" when neither has a manifest).</summary>
    /// <exception cref="DisdException">They come from different runs, or only one has a manifest.</exception>
    public static string RequireOneRun(TableProvenance a, TableProvenance b)
    {
        if (a.Manifest is null && b.Manifest is null) return "";
        if (a.Manifest is null || b.Manifest is null)
        {
            var (without, with) = a.Manifest is null ? (a, b) : (b, a);
            throw new DisdException($"{without.Table} has no {RunManifest.FileName} beside it but {with.Table} has (run {with.RunId}): "
                + "cannot check that they come from one run; pass two tables of one generate-distribution run");
        }

        if (SameFile(a.ManifestPath!, b.ManifestPath!) || (a.RunId != "" && a.RunId == b.RunId)) return a.RunId;
        throw new DisdException($"{a.Table} and {b.Table} come from different generate-distribution runs "
            + $"({Difference(a.Manifest, b.Manifest)}); pass two tables of one run");
    }

    private static string Difference(RunManifest a, RunManifest b)
    {
        if (!a.PromptIds.SequenceEqual(b.PromptIds)) return "different prompts";
        if (!a.TokenIds.SequenceEqual(b.TokenIds)) return "different generated tokens";
        if (a.Seed != b.Seed) return $"seed {a.Seed} vs {b.Seed}";
        if (a.Temperature != b.Temperature) return $"temperature {a.Temperature} vs {b.Temperature}";
        return $"runs {Show(a.RunId)} and {Show(b.RunId)} of the same continuation";
    }

    private static string Show(string? runId) => string.IsNullOrEmpty(runId) ? "(no run id)" : runId;

    /// <summary>Whether two tables lie in one folder (after resolving links), where plot-coupling writes their results.</summary>
    public static bool InOneFolder(string tableA, string tableB) =>
        SameFile(Path.GetDirectoryName(Path.GetFullPath(tableA))!, Path.GetDirectoryName(Path.GetFullPath(tableB))!);

    private static bool SameFile(string a, string b) =>
        string.Equals(Posix.Canonical(a), Posix.Canonical(b), StringComparison.Ordinal);
}
