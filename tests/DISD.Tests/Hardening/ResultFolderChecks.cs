using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DISD.IO;

namespace DISD.Tests.Hardening;

/// <summary>Checks on generate-distribution result folders: whole (one run's files, nothing else) and free of work files.</summary>
internal static class ResultFolderChecks
{
    /// <summary>
    /// Asserts that <paramref name="folder"/> holds exactly one run's files and that they agree with each other: the
    /// manifest's tables, tokens.csv and manifest.json (plus plot-coupling results); tokens.csv's ids are the
    /// manifest's; every table has one row per token and its probability of the chosen token is tokens.csv's (a
    /// table of another run fails this). Returns the manifest.
    /// </summary>
    public static RunManifest AssertWhole(string folder)
    {
        var manifest = RunManifest.Read(Path.Combine(folder, RunManifest.FileName));
        var tables = manifest.Models.Select(m => m.FileId + DistributionLocator.FileSuffix).ToList();
        var expected = tables.Append(TokensCsv.FileName).Append(RunManifest.FileName).Order(StringComparer.Ordinal);
        var actual = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>()
            .Where(name => !(name.StartsWith("coupling_", StringComparison.Ordinal) && name.EndsWith(".csv", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);

        var (modelIds, rows) = TokensCsv.Read(Path.Combine(folder, TokensCsv.FileName));
        Assert.Equal(manifest.TokenIds, rows.Select(r => r.TokenId));
        for (var m = 0; m < tables.Count; m++)
        {
            Assert.Equal(manifest.Models[m].FileId, modelIds[m]);
            var table = DistributionCsv.ReadSingle(Path.Combine(folder, tables[m]));
            Assert.Equal(manifest.TokenIds.Count, table.Length);
            for (var s = 0; s < table.Length; s++)
            {
                Assert.Equal(rows[s].Probabilities[m], table[s][manifest.TokenIds[s]]);
            }
        }

        return manifest;
    }

    /// <summary>Every work file or folder (staging, moved-aside, temporary) anywhere below <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Debris(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
                .Where(path => StaleOutputs.IsWorkName(Path.GetFileName(path)))
                .ToList()
            : [];

    /// <summary>File name → SHA-256 of every file in <paramref name="folder"/>.</summary>
    public static IReadOnlyDictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(
            path => Path.GetFileName(path),
            path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))),
            StringComparer.Ordinal);

    /// <summary>Whether the tests run as root (mounting a tmpfs needs it).</summary>
    public static bool IsRoot => geteuid() == 0;

#pragma warning disable SYSLIB1054 // DllImport keeps the test project free of unsafe code.
    [DllImport("libc.so.6")]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054
}

/// <summary>A fact that runs only as root (the tmpfs mounts of the full-disk tests; CI runs as root).</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!ResultFolderChecks.IsRoot) Skip = "needs root to mount a tmpfs";
    }
}
