using System.Diagnostics;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

internal static class Timing
{
    public sealed record Result(double Min, double Median)
    {
        public override string ToString() => $"min {Min:F3} ms, median {Median:F3} ms";
    }

    /// <summary>Wall time in ms of <paramref name="repeats"/> runs after two warm-up runs; each run reads its result back to the host.</summary>
    public static Result Measure(int repeats, Func<long> run)
    {
        run();
        run();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            run();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Result(times[0], times[repeats / 2]);
    }
}

internal static class ProcessMemory
{
    public static long CurrentRssKiB() => StatusKiB("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64 / 1024;

    /// <summary>The process's peak resident set so far (VmHWM).</summary>
    public static long PeakRssKiB() => StatusKiB("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1024;

    private static long? StatusKiB(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0]);
    }
}

internal static class RepoPaths
{
    public static string DemoModel(string size)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
        {
            dir = dir.Parent;
        }
        return dir is null
            ? throw new DirectoryNotFoundException("DISD.sln not found above the benchmark's folder; pass the checkpoint folder as the first argument")
            : Path.Combine(dir.FullName, "models", $"gemma2-wordnet-{size}");
    }
}

internal static class BenchOptions
{
    public static ScalarType ParseDType(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => throw new ArgumentException($"dtype '{name}' is not one of float32, bfloat16, float16"),
    };
}
