using DISD.IO;

namespace DISD.Cli;

/// <summary>
/// --skip-existing: whether a result folder holds the complete result of a given request. Result folders are replaced
/// whole (docs/result-folders.md), so a folder with a readable manifest.json whose request matches and whose listed
/// files are all there is complete; anything else (no folder, another request, a missing file, an unreadable manifest)
/// is redone. The tables must also be in the requested format: the run id does not depend on it (both formats hold
/// the same values), but a request for safetensors tables is not met by CSV tables, nor the other way round.
/// </summary>
internal static class ExistingResults
{
    /// <summary>The manifest of <paramref name="folder"/> when it holds a complete result whose <see cref="RunManifest.RequestDigest"/> is
    /// <paramref name="requestDigest"/>.</summary>
    public static RunManifest? Complete(string folder, string requestDigest, TableFormat format = TableFormat.Csv)
    {
        var path = Path.Combine(folder, RunManifest.FileName);
        if (!File.Exists(path)) return null;
        RunManifest manifest;
        try
        {
            manifest = RunManifest.Read(path);
        }
        catch (DisdException)
        {
            return null;
        }

        if (string.IsNullOrEmpty(manifest.RunId) || manifest.RequestDigest() != requestDigest) return null;
        if (manifest.Models.Any(m => DistributionTables.FileOf(m) != DistributionTables.FileName(m.FileId, format))) return null;
        var files = manifest.Models.Select(DistributionTables.FileOf).Append(TokensCsv.FileName);
        return files.All(f => File.Exists(Path.Combine(folder, f))) ? manifest : null;
    }
}
