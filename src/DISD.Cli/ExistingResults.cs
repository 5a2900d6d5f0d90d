using DISD.IO;

namespace DISD.Cli;

/// <summary>
/// --skip-existing: whether a result folder holds the complete result of a given request. Result folders are replaced
/// whole (docs/result-folders.md), so a folder with a readable manifest.json whose request matches and whose listed
/// files are all there is complete; anything else (no folder, another request, a missing file, an unreadable manifest)
/// is redone.
/// </summary>
internal static class ExistingResults
{
    /// <summary>The manifest of <paramref name="folder"/> when it holds a complete result whose <see cref="RunManifest.RequestDigest"/> is <paramref name="requestDigest"/>.</summary>
    public static RunManifest? Complete(string folder, string requestDigest)
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
        var files = manifest.Models.Select(m => m.FileId + DistributionLocator.FileSuffix).Append(TokensCsv.FileName);
        return files.All(f => File.Exists(Path.Combine(folder, f))) ? manifest : null;
    }
}
