using System.Diagnostics;
using DISD.IO;
using DISD.Tests.IO;

namespace DISD.Tests.Hardening;

/// <summary>
/// A full disk (a 1 MiB tmpfs) fails generate-distribution and plot-coupling with exit 2 and one line, leaves no work
/// file, and keeps the previous result. Mounting needs root, which CI has.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempFolder _root = new();
    private readonly string _disk;

    public FullDiskTests()
    {
        _disk = _root.File("disk");
        if (!ResultFolderChecks.IsRoot) return;
        Directory.CreateDirectory(_disk);
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _disk);
    }

    public void Dispose()
    {
        if (ResultFolderChecks.IsRoot) Run("umount", _disk);
        _root.Dispose();
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)}: {stderr}");
    }

    private static string OneErrorLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines, line => line.StartsWith("disd: ", StringComparison.Ordinal));
    }

    [RootFact]
    public void GenerateDistributionOnAFullDiskExitsTwoAndKeepsThePreviousResult()
    {
        var data = Path.Combine(_disk, "data");
        string[] Args(int tokens, int seed) =>
            ["generate-distribution", "--input-text", "What is a lion?", "--num-tokens", $"{tokens}", "--seed", $"{seed}", "--data-dir", data];
        var (code, _, stderr) = DisdChild.Run(Args(tokens: 2, seed: 1));
        Assert.True(code == 0, stderr);
        var folder = Path.Combine(data, "What_is_a_lion");
        var previous = ResultFolderChecks.Snapshot(folder);

        (code, _, stderr) = DisdChild.Run(Args(tokens: 64, seed: 2));

        Assert.Equal(2, code);
        var error = OneErrorLine(stderr);
        Assert.StartsWith("disd: error: --data-dir: cannot write the result folder", error);
        Assert.Contains("No space left on device", error);
        Assert.Empty(ResultFolderChecks.Debris(_disk));
        Assert.Equal(previous, ResultFolderChecks.Snapshot(folder));
        Assert.Equal(1UL, ResultFolderChecks.AssertWhole(folder).Seed);
    }

    [RootFact]
    public void PlotCouplingOnAFullDiskExitsTwoAndLeavesNoTemporaryFile()
    {
        var data = Path.Combine(_disk, "data");
        var random = new Random(5);
        double[][] Table() => Enumerable.Range(0, 4).Select(_ =>
        {
            var row = Enumerable.Range(0, 16).Select(_ => random.NextDouble()).ToArray();
            return row.Select(v => v / row.Sum()).ToArray();
        }).ToArray();
        DistributionCsv.Write(Path.Combine(data, "Full", "large_probs.csv"), Table());
        DistributionCsv.Write(Path.Combine(data, "Full", "small_probs.csv"), Table());
        // Leave about 8 KiB: less than the figure needs.
        var free = new DriveInfo(_disk).AvailableFreeSpace;
        File.WriteAllBytes(Path.Combine(_disk, "filler"), new byte[free - 8192]);

        var (code, _, stderr) = DisdChild.Run("plot-coupling", "--input-text", "Full", "--model-large", "large", "--model-small", "small",
            "--num-tokens", "4", "--num-retries", "100", "--data-dir", data, "--img-dir", Path.Combine(_disk, "img"));

        Assert.Equal(2, code);
        var error = OneErrorLine(stderr);
        Assert.Contains("No space left on device", error);
        Assert.Contains("nothing was written", error);
        Assert.Empty(ResultFolderChecks.Debris(_disk));
        Assert.Equal(["large_probs.csv", "small_probs.csv"], Directory.EnumerateFiles(Path.Combine(data, "Full")).Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(Path.Combine(_disk, "img")) && Directory.EnumerateFiles(Path.Combine(_disk, "img")).Any());
    }
}
