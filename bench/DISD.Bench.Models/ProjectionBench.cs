using System.Diagnostics;
using DISD.Models.Kernels;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

/// <summary>
/// The projections of one gemma2-150m decode step alone (8 × qkv, o, gate_up, down, and the 32,000-row head: 634.5 MB
/// of float32 weights), through PanelMatmul (the weights in panels, as the models keep them), SmallBlockMatmul (the
/// weights as stored) and F.linear, min ms of <c>repeats</c> passes per row count:
/// what the matrix products cost without the rest of the step.
/// </summary>
internal static class ProjectionBench
{
    public static void Run(int threads, int repeats, int block)
    {
        var shapes = new List<(int N, int K)>();
        for (int layer = 0; layer < 8; layer++)
            shapes.AddRange([(2048, 1024), (1024, 1024), (8192, 1024), (1024, 4096)]);
        shapes.Add((32000, 1024));
        var weights = shapes.Select(s => randn(s.N, s.K)).ToList();
        var panels = weights.Select(PanelMatmul.Pack).ToList();
        double bytes = shapes.Sum(s => 4.0 * s.N * s.K);
        foreach (int rows in new[] { 1, block })
        {
            var inputs = shapes.Select(s => randn(rows, s.K)).ToList();
            double kernel = Min(repeats, j => PanelMatmul.Multiply(inputs[j], panels[j], shapes[j].N, threads), shapes.Count);
            double rowwise = Min(repeats, j => SmallBlockMatmulHarness.Multiply(inputs[j], weights[j], threads), shapes.Count);
            double linear = Min(repeats, j => nn.functional.linear(inputs[j], weights[j]), shapes.Count);
            Console.Error.WriteLine($"projections, {rows} row(s), {threads} thread(s): PanelMatmul {kernel:F2} ms ({bytes / kernel / 1e6:F1} GB/s), "
                + $"SmallBlockMatmul {rowwise:F2} ms ({bytes / rowwise / 1e6:F1} GB/s), F.linear {linear:F2} ms ({bytes / linear / 1e6:F1} GB/s)");
        }
    }

    private static double Min(int repeats, Func<int, Tensor> product, int count)
    {
        double best = double.MaxValue;
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            using var scope = NewDisposeScope();
            long start = Stopwatch.GetTimestamp();
            for (int j = 0; j < count; j++)
                product(j);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return best;
    }
}
