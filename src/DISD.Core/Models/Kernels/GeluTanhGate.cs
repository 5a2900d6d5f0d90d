using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models.Kernels;

/// <summary>
/// Gemma's gated activation <c>gelu_tanh(gate) · up</c> on the CPU in float32, in one pass over the fused gate|up
/// projection [rows, 2·I]. It computes libtorch's formula (ATen's GeluKernel: 0.5·x·(1 + tanh(β·(x + κ·x³))), the
/// products and sums rounded one at a time) with <see cref="PortableTanh"/>; libtorch's gelu takes SLEEF's tanh in its
/// vector loop and the C library's, with other last bits, in its scalar tail, so an element's bits depended on its
/// place in the loop. Here every element gets the same operations on every path, 8 lanes, 4 lanes or one at a time.
/// </summary>
internal static unsafe class GeluTanhGate
{
    private const float Beta = (float)(1.4142135623730951 * 1.1283791670955126 * 0.5);   // M_SQRT2 · M_2_SQRTPI · 0.5
    private const float Kappa = 0.044715f;

    /// <summary>[rows, I] = gelu_tanh(both[:, :I]) · both[:, I:] for a contiguous float32 CPU tensor [rows, 2·I].</summary>
    public static Tensor Apply(Tensor both, int threads)
    {
        int rows = (int)both.shape[0], inner = (int)(both.shape[1] / 2);
        var output = empty(rows, inner, ScalarType.Float32);
        float* source = TensorData.Float32(both), target = TensorData.Float32(output);
        int parts = Math.Max(1, Math.Min(threads, rows / 8));
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = CpuWorkers.Slice(rows, part, parts);
            for (int row = start; row < end; row++)
                Row(source + (long)row * 2 * inner, inner, target + (long)row * inner);
        });
        GC.KeepAlive(both);
        return output;
    }

    /// <summary>One element, as libtorch's scalar formula reads, with <see cref="PortableTanh"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gated(float x, float up)
    {
        float cube = x * x * x;
        float inner = Beta * (x + Kappa * cube);
        return 0.5f * x * (1f + PortableTanh.Tanh(inner)) * up;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(float* gateThenUp, int inner, float* output)
    {
        float* up = gateThenUp + inner;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= inner; i += 8)
            {
                var x = Vector256.Load(gateThenUp + i);
                var cube = x * x * x;
                var argument = Vector256.Create(Beta) * (x + Vector256.Create(Kappa) * cube);
                (Vector256.Create(0.5f) * x * (Vector256<float>.One + PortableTanh.Tanh(argument)) * Vector256.Load(up + i)).Store(output + i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= inner; i += 4)
            {
                var x = Vector128.Load(gateThenUp + i);
                var cube = x * x * x;
                var argument = Vector128.Create(Beta) * (x + Vector128.Create(Kappa) * cube);
                (Vector128.Create(0.5f) * x * (Vector128<float>.One + PortableTanh.Tanh(argument)) * Vector128.Load(up + i)).Store(output + i);
            }
        }
        for (; i < inner; i++)
            output[i] = Gated(gateThenUp[i], up[i]);
    }
}
