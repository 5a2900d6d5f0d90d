using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// The Gumbel transform and the Gumbel-max argmax on the CPU, in host code: g = −log(−log u) with
/// <see cref="PortableLog"/> (the same bits on every CPU), and argmax_i (double)log p_i + g_i fused into one pass
/// instead of four V-sized tensor operations (widen, add, argmax, and the noise's own logs).
/// </summary>
internal static unsafe class HostGumbel
{
    /// <summary>Below this many elements a second worker costs more than it saves.</summary>
    private const int ElementsPerWorker = 1 << 15;

    /// <summary>Replaces every uniform of a contiguous float64 CPU tensor by its Gumbel value, in place.</summary>
    public static Tensor TransformInPlace(Tensor uniforms)
    {
        double* data = TensorData.Float64(uniforms);
        long count = uniforms.numel();
        int parts = Parts(count);
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = Slice(count, part, parts);
            Transform(data + start, end - start);
        });
        GC.KeepAlive(uniforms);
        return uniforms;
    }

    /// <summary>
    /// argmax per row of (double)logProbs + noise, the first index on ties (as torch.argmax): int64 [R] on the CPU.
    /// logProbs: contiguous float32 or float64 CPU [R, V]; noise: contiguous float64 CPU [R, V].
    /// </summary>
    public static Tensor ArgmaxWithNoise(Tensor logProbs, Tensor noise)
    {
        int rows = (int)logProbs.shape[0], vocab = (int)logProbs.shape[1];
        double* noiseData = TensorData.Float64(noise);
        var tokens = new long[rows];
        if (logProbs.dtype == ScalarType.Float32)
        {
            float* logData = TensorData.Float32(logProbs);
            for (int r = 0; r < rows; r++)
                tokens[r] = Argmax(logData + (long)r * vocab, noiseData + (long)r * vocab, vocab);
        }
        else
        {
            double* logData = TensorData.Float64(logProbs);
            for (int r = 0; r < rows; r++)
                tokens[r] = Argmax(logData + (long)r * vocab, noiseData + (long)r * vocab, vocab);
        }
        GC.KeepAlive(logProbs);
        GC.KeepAlive(noise);
        return tensor(tokens, ScalarType.Int64);
    }

    internal static int Parts(long count) =>
        (int)Math.Max(1, Math.Min(Environment.ProcessorCount, count / ElementsPerWorker));

    private static (long Start, long End) Slice(long count, int part, int parts) =>
        (count * part / parts, count * (part + 1) / parts);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transform(double* values, long count)
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= count; i += 4)
                PortableLog.Gumbel(Vector256.Load(values + i)).Store(values + i);
        }
        for (; i < count; i++)
            values[i] = PortableLog.Gumbel(values[i]);
    }

    /// <summary>
    /// NaN never wins here; the callers' finiteness check rejects NaN rows before a token is used. Float32 entries are
    /// widened exactly, as the tensor path's <c>to_type(Float64)</c> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Argmax<T>(T* logProbs, double* noise, int vocab)
        where T : unmanaged, INumberBase<T>
    {
        long best = 0;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < vocab; i++)
        {
            double value = double.CreateTruncating(logProbs[i]) + noise[i];
            if (value > bestValue)
                (best, bestValue) = (i, value);
        }
        return best;
    }
}
