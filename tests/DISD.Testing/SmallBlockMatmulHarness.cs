using DISD.Models.Kernels;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Testing;

/// <summary>
/// <see cref="SmallBlockMatmul"/> on whole tensors, for its tests and the projection benchmark; the library calls the
/// kernel only on slices of the attention's buffers (<see cref="AttentionKernels"/>).
/// </summary>
public static unsafe class SmallBlockMatmulHarness
{
    /// <summary><paramref name="x"/> [rows, k] times <paramref name="weight"/> [n, k]ᵀ, split over <paramref name="threads"/>.</summary>
    public static Tensor Multiply(Tensor x, Tensor weight, int threads)
    {
        const int maxRows = SmallBlockMatmul.MaxRows;
        int rows = checked((int)x.shape[0]), k = checked((int)x.shape[1]), n = checked((int)weight.shape[0]);
        if (rows < 1 || rows > maxRows || weight.shape[1] != k)
            throw new ArgumentException($"expected x [1..{maxRows}, {weight.shape[1]}], got [{rows}, {k}]", nameof(x));
        var y = empty(rows, n, ScalarType.Float32);
        float* xs = TensorData.Float32(x), ws = TensorData.Float32(weight), ys = TensorData.Float32(y);
        var input = new SmallBlockMatmul.Operands(xs, rows, k, ws, n, ys);
        int parts = Math.Max(1, Math.Min(threads, n / 64));
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = CpuWorkers.Slice(n, part, parts);
            SmallBlockMatmul.Range(input, start, end);
        });
        GC.KeepAlive(x);
        GC.KeepAlive(weight);
        return y;
    }
}
