using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DISD.Runtime;
using static TorchSharp.torch;
using V = System.Runtime.Intrinsics.Vector512<float>;
using VX = System.Runtime.Intrinsics.Vector512;

namespace DISD.Models.Kernels;

/// <summary>
/// <c>y = x · Wᵀ</c> for x of 1–16 rows (a decode step or a speculative verify block) on the CPU, float32, with W
/// read as stored: every row of W is streamed once and multiplied by all rows of x while it is in L1. The attention
/// uses it for q·Kᵀ over the cache (<see cref="AttentionKernels"/>: a head's cached keys are W's rows), where W
/// changes every step and cannot be packed ahead. The projections, whose weights can, use <see cref="PanelMatmul"/>.
/// <para>Written by hand because libtorch's MKL sgemm/sgemv is neither fast nor consistent here: on this project's
/// 2-core AMD machines the 158.6M shape's projections took 27 ms for one row (23.5 GB/s; this kernel: 11.9 ms,
/// 53 GB/s) and 78 ms for five (this kernel: 17.9 ms), `DISD.Bench.Models --projections`; and a row's result
/// depended on how many rows it was multiplied with, so a token's logits in a verify block differed in the last bits
/// from its one-token decode.</para>
/// <para>Each output element has one fixed summation order, whatever the number of rows and threads: 16-lane chunks
/// k = 0, 16, 32, … go alternately to two accumulators, then the chunk left over (if any) to the first, the lane
/// sum of their sum, then the remaining k in order. So a row's product is bit-identical in a block of any size and
/// with any thread count. The order, and so the last bits, may differ on a CPU with another vector width (there the
/// models use libtorch).</para>
/// </summary>
public static unsafe class SmallBlockMatmul
{
    public const int MaxRows = 16;

    /// <summary>
    /// With two or more rows of x the loop computes long enough per row of W that the hardware prefetcher no longer
    /// keeps the stream ahead; an explicit prefetch 8 KB ahead took 5 rows from 19.5–28 to 16.2–17.5 ms per 158.6M
    /// step's projections (2 threads, interleaved runs). For one row it cost 5–10 %, so one row goes without.
    /// </summary>
    private const int PrefetchDistance = 2048;

    /// <summary>Whether this CPU runs the kernels (512-bit vectors; elsewhere the models use libtorch).</summary>
    public static bool IsSupported => VX.IsHardwareAccelerated;

    /// <summary><paramref name="x"/> [rows, k] times <paramref name="weight"/> [n, k]ᵀ, split over <paramref name="threads"/>.</summary>
    public static Tensor Multiply(Tensor x, Tensor weight, int threads)
    {
        int rows = checked((int)x.shape[0]), k = checked((int)x.shape[1]), n = checked((int)weight.shape[0]);
        if (rows < 1 || rows > MaxRows || weight.shape[1] != k)
            throw new ArgumentException($"expected x [1..{MaxRows}, {weight.shape[1]}], got [{rows}, {k}]", nameof(x));
        var y = empty(rows, n, ScalarType.Float32);
        float* xs = TensorData.Float32(x), ws = TensorData.Float32(weight), ys = TensorData.Float32(y);
        var input = new Operands(xs, rows, k, ws, n, ys);
        int parts = Math.Max(1, Math.Min(threads, n / 64));
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = CpuWorkers.Slice(n, part, parts);
            Range(input, start, end);
        });
        GC.KeepAlive(x);
        GC.KeepAlive(weight);
        return y;
    }

    internal readonly struct Operands(float* x, int rows, int k, float* w, int n, float* y)
    {
        public readonly float* X = x, W = w, Y = y;
        public readonly int Rows = rows, K = k, N = n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Range(Operands p, int first, int end)
    {
        for (int o = first; o < end; o++)
        {
            float* w = p.W + (long)o * p.K;
            for (int r = 0; r < p.Rows; r += 8)
            {
                float* x = p.X + (long)r * p.K;
                float* y = p.Y + (long)r * p.N + o;
                switch (Math.Min(8, p.Rows - r))
                {
                    case 1: Rows<One>(x, p.K, w, y, p.N); break;
                    case 2: Rows<Two>(x, p.K, w, y, p.N); break;
                    case 3: Rows<Three>(x, p.K, w, y, p.N); break;
                    case 4: Rows<Four>(x, p.K, w, y, p.N); break;
                    case 5: Rows<Five>(x, p.K, w, y, p.N); break;
                    case 6: Rows<Six>(x, p.K, w, y, p.N); break;
                    case 7: Rows<Seven>(x, p.K, w, y, p.N); break;
                    default: Rows<Eight>(x, p.K, w, y, p.N); break;
                }
            }
        }
    }

    /// <summary>
    /// Up to 8 rows of x against one weight row. One body for all counts: the JIT compiles it once per
    /// <typeparamref name="T"/> with the untaken branches removed, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<T>(float* x, int k, float* w, float* y, int n) where T : struct, IRowCount
    {
        V a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        V a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        float* x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k, x6 = x5 + k, x7 = x6 + k;
        int end = k & ~31, i = 0;
        for (; i < end; i += 32)
        {
            if (T.Count > 1 && Sse.IsSupported)
            {
                Sse.PrefetchNonTemporal(w + i + PrefetchDistance);
                Sse.PrefetchNonTemporal(w + i + PrefetchDistance + 16);
            }
            var w0 = VX.Load(w + i);
            var w1 = VX.Load(w + i + 16);
            a0 = VX.FusedMultiplyAdd(w0, VX.Load(x + i), a0); b0 = VX.FusedMultiplyAdd(w1, VX.Load(x + i + 16), b0);
            if (T.Count > 1) { a1 = VX.FusedMultiplyAdd(w0, VX.Load(x1 + i), a1); b1 = VX.FusedMultiplyAdd(w1, VX.Load(x1 + i + 16), b1); }
            if (T.Count > 2) { a2 = VX.FusedMultiplyAdd(w0, VX.Load(x2 + i), a2); b2 = VX.FusedMultiplyAdd(w1, VX.Load(x2 + i + 16), b2); }
            if (T.Count > 3) { a3 = VX.FusedMultiplyAdd(w0, VX.Load(x3 + i), a3); b3 = VX.FusedMultiplyAdd(w1, VX.Load(x3 + i + 16), b3); }
            if (T.Count > 4) { a4 = VX.FusedMultiplyAdd(w0, VX.Load(x4 + i), a4); b4 = VX.FusedMultiplyAdd(w1, VX.Load(x4 + i + 16), b4); }
            if (T.Count > 5) { a5 = VX.FusedMultiplyAdd(w0, VX.Load(x5 + i), a5); b5 = VX.FusedMultiplyAdd(w1, VX.Load(x5 + i + 16), b5); }
            if (T.Count > 6) { a6 = VX.FusedMultiplyAdd(w0, VX.Load(x6 + i), a6); b6 = VX.FusedMultiplyAdd(w1, VX.Load(x6 + i + 16), b6); }
            if (T.Count > 7) { a7 = VX.FusedMultiplyAdd(w0, VX.Load(x7 + i), a7); b7 = VX.FusedMultiplyAdd(w1, VX.Load(x7 + i + 16), b7); }
        }
        y[0] = Finish(a0, b0, x, w, k, i);
        if (T.Count > 1) y[n] = Finish(a1, b1, x1, w, k, i);
        if (T.Count > 2) y[2L * n] = Finish(a2, b2, x2, w, k, i);
        if (T.Count > 3) y[3L * n] = Finish(a3, b3, x3, w, k, i);
        if (T.Count > 4) y[4L * n] = Finish(a4, b4, x4, w, k, i);
        if (T.Count > 5) y[5L * n] = Finish(a5, b5, x5, w, k, i);
        if (T.Count > 6) y[6L * n] = Finish(a6, b6, x6, w, k, i);
        if (T.Count > 7) y[7L * n] = Finish(a7, b7, x7, w, k, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(V a, V b, float* x, float* w, int k, int i)
    {
        if (i + 16 <= k)
        {
            a = VX.FusedMultiplyAdd(VX.Load(w + i), VX.Load(x + i), a);
            i += 16;
        }
        float sum = VX.Sum(a + b);
        for (; i < k; i++)
            sum = MathF.FusedMultiplyAdd(x[i], w[i], sum);
        return sum;
    }
}
