using System.Diagnostics;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

internal static class Timing
{
    public sealed record Result(double Min, double Median)
    {
        public override string ToString() => $"min {Min:F3} ms, median {Median:F3} ms";
    }

    /// <summary>
    /// Wall time in ms of <paramref name="repeats"/> runs of each of <paramref name="runs"/> after two warm-up runs,
    /// the runs taking turns within each repeat so that all of them see the same state of a shared, noisy machine
    /// (their ratio is what the benchmark is read for); each run reads its result back to the host.
    /// </summary>
    public static Result[] Measure(int repeats, params Func<long>[] runs)
    {
        foreach (var run in runs)
        {
            run();
            run();
        }
        var times = runs.Select(_ => new double[repeats]).ToArray();
        for (int i = 0; i < repeats; i++)
        {
            for (int r = 0; r < runs.Length; r++)
            {
                using var scope = NewDisposeScope();
                var watch = Stopwatch.StartNew();
                runs[r]();
                times[r][i] = watch.Elapsed.TotalMilliseconds;
            }
        }
        return times.Select(t =>
        {
            Array.Sort(t);
            return new Result(t[0], t[repeats / 2]);
        }).ToArray();
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
