using System.Text.RegularExpressions;

namespace DISD.IO;

/// <summary>
/// Names of the hidden work files disd puts beside its results, and their removal once their run is gone:
/// <c>.&lt;name&gt;.&lt;32 hex&gt;.staging</c> (a result folder being written, or the old one just swapped out),
/// <c>.&lt;name&gt;.&lt;32 hex&gt;.old</c> (an old result folder moved aside where the file system cannot exchange two
/// folders) and <c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c> (a file being written). They are only created by a run that holds
/// the folder's exclusive <see cref="ResultLock"/>, so any found by a run that holds it belong to a run that was
/// killed (SIGKILL, power cut): <see cref="Remove"/> deletes them, and puts back an old result folder whose
/// replacement never arrived.
/// </summary>
public static partial class StaleOutputs
{
    public const string StagingSuffix = "staging";
    public const string AsideSuffix = "old";
    public const string TempSuffix = "tmp";

    /// <summary>A fresh work name for <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static string WorkPath(string folder, string name, string suffix) =>
        Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.{suffix}");

    /// <summary>Whether <paramref name="fileName"/> is a work name (of any of the three kinds).</summary>
    public static bool IsWorkName(string fileName) => WorkName().IsMatch(fileName);

    /// <summary>
    /// Removes the work files of dead runs directly in <paramref name="folder"/> (the caller holds its exclusive
    /// <see cref="ResultLock"/>); returns how many entries it removed or restored.
    /// </summary>
    public static int Remove(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        var count = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, ".*"))
        {
            var match = WorkName().Match(Path.GetFileName(path));
            if (!match.Success) continue;
            var original = Path.Combine(folder, match.Groups["name"].Value);
            if (match.Groups["kind"].Value == AsideSuffix && !Directory.Exists(original) && !File.Exists(original))
            {
                // Killed between moving the old result aside and moving the new one in: the old one is still whole.
                Directory.Move(path, original);
            }
            else
            {
                UnfinishedOutputs.Delete(path);
            }

            count++;
        }

        return count;
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<id>[0-9a-f]{32})\.(?<kind>staging|old|tmp)$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkName();
}
