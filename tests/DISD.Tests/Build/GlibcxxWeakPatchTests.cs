using System.Diagnostics;
using TorchSharp;

namespace DISD.Tests.Build;

// The build marks libLibTorchSharp.so's GLIBCXX_3.4.32 version need weak so TorchSharp loads on libstdc++ < 3.4.32.
// readelf (binutils) is the independent reference for the flag.
public class GlibcxxWeakPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OutputLibrary =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string PackageLibrary
    {
        get
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    private static string ReadelfVersionLine(string path)
    {
        var info = new ProcessStartInfo("readelf", ["-V", "--wide", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\n').Single(line => line.Contains("Name: " + Version));
    }

    [Fact]
    public void BuildOutputHasTheNeedMarkedWeak()
    {
        Assert.True(File.Exists(OutputLibrary), $"missing {OutputLibrary}");
        Assert.Contains("Flags: WEAK", ReadelfVersionLine(OutputLibrary));
    }

    [Fact]
    public void PatcherMarksOnlyThatEntryAndIsIdempotent()
    {
        Assert.True(File.Exists(PackageLibrary), $"missing {PackageLibrary}");
        string copy = Path.Combine(Path.GetTempPath(), $"disd-elf-{Guid.NewGuid():N}.so");
        try
        {
            File.Copy(PackageLibrary, copy);
            Assert.Contains("Flags: none", ReadelfVersionLine(copy));
            byte[] before = File.ReadAllBytes(copy);

            Assert.Equal(1, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            byte[] once = File.ReadAllBytes(copy);
            Assert.Contains("Flags: WEAK", ReadelfVersionLine(copy));
            Assert.Equal(before.Length, once.Length);
            Assert.Equal(1, before.Zip(once).Count(pair => pair.First != pair.Second));

            Assert.Equal(0, ElfVersionNeedPatcher.MarkWeak(copy, Version));
            Assert.Equal(once, File.ReadAllBytes(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void LoadedTorchRunsMatmulAndSearchsorted()
    {
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var product = a.matmul(a.T);
        Assert.Equal(new float[] { 5, 14, 14, 50 }, product.data<float>().ToArray());
        using var sorted = torch.tensor(new float[] { 0.1f, 0.4f, 1.0f });
        using var probe = torch.tensor(new float[] { 0.05f, 0.4f, 0.7f });
        Assert.Equal(new long[] { 0, 1, 2 }, torch.searchsorted(sorted, probe).data<long>().ToArray());
    }
}
