using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;
using static TorchSharp.torch;
using V = System.Runtime.Intrinsics.Vector512<float>;
using VX = System.Runtime.Intrinsics.Vector512;

namespace DISD.Models.Kernels;

/// <summary>
/// The two products of attention for a decode step or verify block on the CPU in float32, per key/value head:
/// scores = q·Kᵀ (with <see cref="SmallBlockMatmul"/>: the cached keys of a head are its weight rows) and
/// p·V. They read the cache in place, where libtorch's batched matmul copied the transposed keys and took MKL's
/// small-M path: 2.9–3.4 ms of a 158.6M step at position 512 against 0.6–0.8 ms at 16 (`--ops-time`). As in the
/// projections, each output element has one summation order (keys in order for p·V), whatever the rows and threads.
/// </summary>
public static unsafe class AttentionKernels
{
    /// <summary>Whether q [KV, R, D], keys and values [KV, S, D] (rows of each head contiguous) can go through here.</summary>
    public static bool Apply(Tensor q, Tensor keys, Tensor values)
    {
        long rows = q.shape[1], headDim = q.shape[2];
        return SmallBlockMatmul.IsSupported && rows <= SmallBlockMatmul.MaxRows && headDim % 16 == 0
            && q.device_type == TorchSharp.DeviceType.CPU && q.dtype == ScalarType.Float32
            && keys.dtype == ScalarType.Float32 && values.dtype == ScalarType.Float32
            && HeadRowsContiguous(keys, headDim) && HeadRowsContiguous(values, headDim);
    }

    /// <summary>scores [KV, R, S] = q [KV, R, D] · keys [KV, S, D]ᵀ.</summary>
    public static Tensor Scores(Tensor q, Tensor keys, int threads)
    {
        var queries = q.is_contiguous() ? q : q.contiguous();
        int heads = (int)q.shape[0], rows = (int)q.shape[1], headDim = (int)q.shape[2], count = (int)keys.shape[1];
        var scores = empty(heads, rows, count, ScalarType.Float32);
        float* x = TensorData.Float32(queries), k = TensorData.Float32View(keys), y = TensorData.Float32(scores);
        long keyStride = keys.stride(0);
        int parts = Math.Max(1, Math.Min(threads, count / 64));
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = CpuWorkers.Slice(count, part, parts);
            for (int head = 0; head < heads; head++)
            {
                var operands = new SmallBlockMatmul.Operands(x + (long)head * rows * headDim, rows, headDim, k + head * keyStride, count, y + (long)head * rows * count);
                SmallBlockMatmul.Range(operands, start, end);
            }
        });
        GC.KeepAlive(keys);
        GC.KeepAlive(queries);
        return scores;
    }

    /// <summary>out [KV, R, D] = p [KV, R, S] · values [KV, S, D].</summary>
    public static Tensor Mix(Tensor probabilities, Tensor values, int threads)
    {
        var p = probabilities.is_contiguous() ? probabilities : probabilities.contiguous();
        int heads = (int)p.shape[0], rows = (int)p.shape[1], count = (int)p.shape[2], headDim = (int)values.shape[2];
        var output = empty(heads, rows, headDim, ScalarType.Float32);
        float* ps = TensorData.Float32(p), vs = TensorData.Float32View(values), ys = TensorData.Float32(output);
        long valueStride = values.stride(0);
        int parts = Math.Max(1, Math.Min(threads, heads));
        CpuWorkers.For(parts, part =>
        {
            for (int head = part; head < heads; head += parts)
                MixHead(ps + (long)head * rows * count, rows, count, vs + head * valueStride, headDim, ys + (long)head * rows * headDim);
        });
        GC.KeepAlive(values);
        GC.KeepAlive(p);
        return output;
    }

    private static bool HeadRowsContiguous(Tensor t, long headDim) =>
        t.dim() == 3 && t.shape[2] == headDim && t.stride(2) == 1 && t.stride(1) == headDim;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MixHead(float* p, int rows, int count, float* v, int headDim, float* y)
    {
        for (int column = 0; column < headDim;)
        {
            bool wide = column + 64 <= headDim;
            for (int r = 0; r < rows; r += 4)
            {
                float* pr = p + (long)r * count, yr = y + (long)r * headDim + column;
                switch ((Math.Min(4, rows - r), wide))
                {
                    case (1, true): MixRows<One, Four>(pr, count, v + column, headDim, yr); break;
                    case (2, true): MixRows<Two, Four>(pr, count, v + column, headDim, yr); break;
                    case (3, true): MixRows<Three, Four>(pr, count, v + column, headDim, yr); break;
                    case (_, true): MixRows<Four, Four>(pr, count, v + column, headDim, yr); break;
                    case (1, false): MixRows<One, One>(pr, count, v + column, headDim, yr); break;
                    case (2, false): MixRows<Two, One>(pr, count, v + column, headDim, yr); break;
                    case (3, false): MixRows<Three, One>(pr, count, v + column, headDim, yr); break;
                    default: MixRows<Four, One>(pr, count, v + column, headDim, yr); break;
                }
            }
            column += wide ? 64 : 16;
        }
    }

    /// <summary>Up to 4 rows of p times 64 (or 16) columns of V: up to 16 accumulators, the keys in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MixRows<T, TColumns>(float* p, int count, float* v, int headDim, float* y) where T : struct, IRowCount where TColumns : struct, IRowCount
    {
        V a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        V c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
        float* p1 = p + count, p2 = p1 + count, p3 = p2 + count;
        bool wide = TColumns.Count > 1;
        for (int s = 0; s < count; s++)
        {
            float* row = v + (long)s * headDim;
            V v0 = VX.Load(row), v1 = default, v2 = default, v3 = default;
            if (wide) { v1 = VX.Load(row + 16); v2 = VX.Load(row + 32); v3 = VX.Load(row + 48); }
            var w = VX.Create(p[s]);
            a0 = VX.FusedMultiplyAdd(w, v0, a0);
            if (wide) { a1 = VX.FusedMultiplyAdd(w, v1, a1); a2 = VX.FusedMultiplyAdd(w, v2, a2); a3 = VX.FusedMultiplyAdd(w, v3, a3); }
            if (T.Count > 1)
            {
                w = VX.Create(p1[s]);
                b0 = VX.FusedMultiplyAdd(w, v0, b0);
                if (wide) { b1 = VX.FusedMultiplyAdd(w, v1, b1); b2 = VX.FusedMultiplyAdd(w, v2, b2); b3 = VX.FusedMultiplyAdd(w, v3, b3); }
            }
            if (T.Count > 2)
            {
                w = VX.Create(p2[s]);
                c0 = VX.FusedMultiplyAdd(w, v0, c0);
                if (wide) { c1 = VX.FusedMultiplyAdd(w, v1, c1); c2 = VX.FusedMultiplyAdd(w, v2, c2); c3 = VX.FusedMultiplyAdd(w, v3, c3); }
            }
            if (T.Count > 3)
            {
                w = VX.Create(p3[s]);
                d0 = VX.FusedMultiplyAdd(w, v0, d0);
                if (wide) { d1 = VX.FusedMultiplyAdd(w, v1, d1); d2 = VX.FusedMultiplyAdd(w, v2, d2); d3 = VX.FusedMultiplyAdd(w, v3, d3); }
            }
        }
        Store<TColumns>(y, a0, a1, a2, a3);
        if (T.Count > 1) Store<TColumns>(y + headDim, b0, b1, b2, b3);
        if (T.Count > 2) Store<TColumns>(y + 2 * headDim, c0, c1, c2, c3);
        if (T.Count > 3) Store<TColumns>(y + 3 * headDim, d0, d1, d2, d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TColumns>(float* y, V a, V b, V c, V d) where TColumns : struct, IRowCount
    {
        a.Store(y);
        if (TColumns.Count > 1)
        {
            b.Store(y + 16);
            c.Store(y + 32);
            d.Store(y + 48);
        }
    }
}
