using System.Diagnostics;
using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

/// <summary>
/// <see cref="PanelMatmul"/> alone, on every kernel path this CPU can run, one thread: GFLOP/s (2·rows·n·k per call) and
/// the weights' GB/s for a weight in L2, one in L3 and one in memory, 1 and <c>block</c> rows, min of 5 timed loops.
/// Tells whether a path's block is bound by its FMA units or by the weights' stream.
/// </summary>
internal static class KernelRateBench
{
    public static void Run(int block)
    {
        var paths = new List<CpuKernelPath> { CpuKernelPath.Portable };
        if (CpuKernels.Path is CpuKernelPath.Avx2 or CpuKernelPath.Avx512)
            paths.Add(CpuKernelPath.Avx2);
        if (CpuKernels.Path == CpuKernelPath.Avx512)
            paths.Add(CpuKernelPath.Avx512);
        Console.WriteLine("| path | n × k | rows | ms | GFLOP/s | GB/s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (n, k, loops) in new[] { (256, 512, 2000), (8192, 1024, 20), (32000, 1024, 6) })
        {
            using var weight = randn(n, k);
            foreach (var path in paths)
            {
                using var panels = PanelMatmul.Pack(weight, path);
                foreach (int rows in new[] { 1, block })
                {
                    using var x = randn(rows, k);
                    double best = double.MaxValue;
                    for (int repeat = 0; repeat < 5; repeat++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        for (int i = 0; i < loops; i++)
                        {
                            using var scope = NewDisposeScope();
                            PanelMatmul.Multiply(x, panels, n, 1, path);
                        }
                        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / loops);
                    }
                    Console.WriteLine($"| {CpuKernels.Name(path)} | {n} × {k} | {rows} | {best * 1e3:F3} | {2.0 * rows * n * k / best / 1e9:F1} "
                        + $"| {4.0 * n * k / best / 1e9:F1} |");
                }
            }
        }
    }
}
