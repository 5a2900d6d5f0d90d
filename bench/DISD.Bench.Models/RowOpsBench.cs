using System.Diagnostics;
using DISD.Models.Kernels;
using DISD.Models.Layers;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

/// <summary>
/// The element-wise and row operations of a gemma2-150m step on one thread, disd's against libtorch's, at 1 and
/// <c>block</c> tokens and 512 keys: the attention softmax, the soft-caps (scores and 32,000-wide logits) and the gated
/// gelu_tanh · up. Minimum over 300 calls, in microseconds; the libtorch forms are what the step ran before
/// (softmax over the last dimension; div, tanh, mul; gelu then mul).
/// </summary>
internal static class RowOpsBench
{
    public static void Run(int block)
    {
        Console.WriteLine("| operation | tokens | shape | disd µs | libtorch µs |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int tokens in new[] { 1, block })
        {
            using var scores = randn(4, 2 * tokens, 512).mul_(3.0);
            using var logits = randn(tokens, 32_000).mul_(40.0);
            using var both = randn(tokens, 8192).mul_(3.0);
            Row("softmax", tokens, scores,
                () => { using var s = scores.clone(); AttentionKernels.SoftmaxInPlace(s, 1); },
                () => { using var s = scores.softmax(-1); });
            Row("soft-cap (scores)", tokens, scores,
                () => { using var s = scores.clone(); Attention.SoftCap(s, 50.0); },
                () => { using var s = scores.clone(); s.div_(50.0).tanh_().mul_(50.0); });
            Row("soft-cap (logits)", tokens, logits,
                () => { using var s = logits.clone(); Attention.SoftCap(s, 30.0); },
                () => { using var s = logits.clone(); s.div_(30.0).tanh_().mul_(30.0); });
            Row("gelu_tanh(gate) · up", tokens, both,
                () => { using var y = GeluTanhGate.Apply(both, 1); },
                () =>
                {
                    using var gate = both.narrow(1, 0, 4096);
                    using var up = both.narrow(1, 4096, 4096);
                    using var y = gate.gelu(TorchSharp.Modules.GELU.Approximate.tanh).mul_(up);
                });
        }
    }

    private static void Row(string name, int tokens, Tensor input, Action disd, Action libtorch)
    {
        Console.WriteLine($"| {name} | {tokens} | [{string.Join(", ", input.shape)}] | {Best(disd):F1} | {Best(libtorch):F1} |");
    }

    private static double Best(Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 300; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return best;
    }
}
