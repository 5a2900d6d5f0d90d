using System.Runtime.Intrinsics;
using System.Text.Json;
using DISD.Models.Kernels;
using DISD.Runtime;
using DISD.Tests.Hardening;
using DISD.Tests.Models;

namespace DISD.Tests.Runtime;

/// <summary>
/// The CPU kernels take the widest path .NET accelerates (<see cref="CpuKernels.Path"/>). The narrower ones are forced
/// here with the runtime's own switches, in child processes: DOTNET_EnableAVX512=0 gives the AVX2 path,
/// DOTNET_EnableAVX2=0 the portable 128-bit one with software FMA (as on x86 without AVX2). The demo trio's tables
/// along a sampled path and a figure's results table must come out byte for byte as in the run of this machine's own
/// path, and the manifest must name the path that ran. libtorch's capability is the parent's avx2 pin in all three
/// (inherited), so that the comparison isolates the kernels; <see cref="AProcessWithoutAvx2PinsLibtorchsDefault"/>
/// checks what a machine without AVX2 pins.
/// </summary>
public class CpuPathTests
{
    private const string Prompt = "What is a lion?";

    [Fact]
    public void TablesAndCouplingResultsAreBitIdenticalOnEveryKernelPath()
    {
        using var root = new TempDirectory();
        string native = Run(root.Path, "native", new Dictionary<string, string?>());
        string avx2 = Run(root.Path, "avx2", new Dictionary<string, string?> { ["DOTNET_EnableAVX512"] = "0" });
        string portable = Run(root.Path, "portable", new Dictionary<string, string?> { ["DOTNET_EnableAVX2"] = "0" });

        Assert.Equal(CpuKernels.Name(CpuKernels.Path), Kernels(native));
        Assert.Equal(Vector256.IsHardwareAccelerated ? "avx2" : Kernels(native), Kernels(avx2));
        Assert.StartsWith("vector128", Kernels(portable));
        var files = Directory.GetFiles(native).Select(Path.GetFileName).Where(f => f!.EndsWith(".csv", StringComparison.Ordinal)).ToList();
        Assert.Contains("gemma2-wordnet-large_probs.csv", files);
        Assert.Contains(files, f => f!.StartsWith("coupling_", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var expected = File.ReadAllBytes(Path.Combine(native, file!));
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(avx2, file!))), $"{file} differs on the avx2 path");
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(portable, file!))), $"{file} differs on the portable path");
        }
    }

    [Fact]
    public void AProcessWithoutAvx2PinsLibtorchsDefault()
    {
        using var root = new TempDirectory();
        var folder = Run(root.Path, "no-avx2", new Dictionary<string, string?>
        {
            ["DOTNET_EnableAVX2"] = "0",
            [LibTorchCapability.Variable] = null,
        }, plot: false);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var runtime = manifest.RootElement.GetProperty("runtime");
        Assert.Equal("default", runtime.GetProperty("libtorch_capability").GetString());
        Assert.Contains("may differ", runtime.GetProperty("bit_identical").GetString());
    }

    private static string Run(string root, string name, IReadOnlyDictionary<string, string?> environment, bool plot = true)
    {
        string data = Path.Combine(root, name);
        var generate = DisdChild.Run(environment, "generate-distribution", "--input-text", Prompt, "--num-tokens", "6", "--seed", "3",
            "--data-dir", data, "--threads", "2");
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        if (plot)
        {
            var figure = DisdChild.Run(environment, "plot-coupling", "--input-text", Prompt, "--num-tokens", "all", "--num-retries", "500",
                "--data-dir", data, "--img-dir", Path.Combine(root, name + "-img"));
            Assert.True(figure.ExitCode == 0, figure.Stderr);
        }
        return Directory.GetDirectories(data).Single();
    }

    private static string Kernels(string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        return manifest.RootElement.GetProperty("runtime").GetProperty("kernels").GetString()!;
    }
}
