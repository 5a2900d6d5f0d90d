using System.Runtime.CompilerServices;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models.Kernels;

/// <summary>
/// The two products of attention on the CPU in float32, per key/value head, for decode steps, verify blocks and
/// prefills alike: scores = q·Kᵀ (with <see cref="SmallBlockMatmul"/>: the cached keys of a head are its weight
/// rows) and p·V. They read the cache in place, where libtorch's batched matmul copied the transposed keys and took
/// MKL's small-M path, whose results also depend on the CPU (bench/RESULTS.md, "CPU kernels"). As in the
/// projections, each output element has one summation order (keys in order for p·V), whatever the rows, threads and
/// <see cref="CpuKernelPath"/>; a masked key's weight is exactly 0 and adds nothing.
/// </summary>
public static unsafe class AttentionKernels
{
    private const int QueryRowsPerPass = 64;

    /// <summary>Whether q [KV, R, D], keys and values [KV, S, D] (rows of each head contiguous) can go through here:
    /// float32 on the CPU with a head dim that is a multiple of 16, any number of query rows (prefill included).</summary>
    public static bool Apply(Tensor q, Tensor keys, Tensor values)
    {
        long headDim = q.shape[2];
        return headDim % 16 == 0
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
                // A prefill's queries in slices of 64 rows, so that each key meets rows that are still in L1/L2.
                for (int first = 0; first < rows; first += QueryRowsPerPass)
                {
                    long offset = (long)head * rows + first;
                    var operands = new SmallBlockMatmul.Operands(x + offset * headDim, Math.Min(QueryRowsPerPass, rows - first), headDim,
                        k + head * keyStride, count, y + offset * count);
                    SmallBlockMatmul.Range(operands, start, end);
                }
            }
        });
        GC.KeepAlive(keys);
        GC.KeepAlive(queries);
        return scores;
    }

    /// <summary>out [KV, R, D] = p [KV, R, S] · values [KV, S, D].</summary>
    public static Tensor Mix(Tensor probabilities, Tensor values, int threads) => Mix(probabilities, values, threads, CpuKernels.Path);

    /// <summary>As <see cref="Mix(Tensor, Tensor, int)"/> on <paramref name="path"/> (tests compare the paths in one process).</summary>
    public static Tensor Mix(Tensor probabilities, Tensor values, int threads, CpuKernelPath path)
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
            {
                float* ph = ps + (long)head * rows * count, vh = vs + head * valueStride, yh = ys + (long)head * rows * headDim;
                switch (path)
                {
                    case CpuKernelPath.Avx512: Mixer<Lanes512>.Head(ph, rows, count, vh, headDim, yh); break;
                    case CpuKernelPath.Avx2: Mixer<Lanes256>.Head(ph, rows, count, vh, headDim, yh); break;
                    default: Mixer<Lanes128>.Head(ph, rows, count, vh, headDim, yh); break;
                }
            }
        });
        GC.KeepAlive(values);
        GC.KeepAlive(p);
        return output;
    }

    /// <summary>
    /// Softmax over the last dimension of contiguous float32 scores, in place: max, then exp(x − max)
    /// (<see cref="PortableExp"/>, not the C library's expf, which glibc builds twice and picks per CPU) summed key by key
    /// in order, then each times 1/sum, as libtorch's kernel computes it. Written here because libtorch's reduction
    /// assigns keys to vector lanes by their position in the row, so a sliding layer's verify-block row (whose window
    /// starts inside the row, the keys before it masked) summed in another order than the same token's one-token step;
    /// in key order the masked keys' zeros change nothing, so both give the same bits, on every CPU. The max, the
    /// subtraction and the scaling are element-wise or order-free, so they run on vectors; the sums, one chain per
    /// row, run <see cref="RowsSummedTogether"/> rows side by side so that the chains overlap instead of waiting on
    /// each other.
    /// </summary>
    public static Tensor SoftmaxInPlace(Tensor scores, int threads)
    {
        int count = (int)scores.shape[^1];
        int rows = (int)(scores.numel() / Math.Max(count, 1));
        float* data = TensorData.Float32(scores);
        int groups = (rows + RowsSummedTogether - 1) / RowsSummedTogether;
        int parts = Math.Max(1, Math.Min(threads, rows / 16));
        CpuWorkers.For(parts, part =>
        {
            var (start, end) = CpuWorkers.Slice(groups, part, parts);
            for (int group = start; group < end; group++)
            {
                int first = group * RowsSummedTogether;
                SoftmaxRows(data + (long)first * count, Math.Min(RowsSummedTogether, rows - first), count);
            }
        });
        GC.KeepAlive(scores);
        return scores;
    }

    private const int RowsSummedTogether = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxRows(float* rows, int rowCount, int count)
    {
        for (int r = 0; r < rowCount; r++)
        {
            var row = new Span<float>(rows + (long)r * count, count);
            float max = FloatVectors.Max(row);
            FloatVectors.Subtract(row, max);
            // Each value's exp on its own (vectorised, the same bits on every path).
            PortableExp.ExpInPlace(row);
        }
        Span<float> sums = stackalloc float[RowsSummedTogether];
        KeyOrderSums(rows, rowCount, count, sums);
        for (int r = 0; r < rowCount; r++)
            FloatVectors.Scale(new Span<float>(rows + (long)r * count, count), 1 / sums[r]);
    }

    /// <summary>Each row's sum as one chain from 0 over the keys in order; up to eight rows' chains interleaved (an
    /// add's latency is several cycles, so one chain alone would leave the adder idle most of the time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KeyOrderSums(float* rows, int rowCount, int count, Span<float> sums)
    {
        switch (rowCount)
        {
            case 8: Sums<Eight>(rows, count, sums); break;
            case 7: Sums<Seven>(rows, count, sums); break;
            case 6: Sums<Six>(rows, count, sums); break;
            case 5: Sums<Five>(rows, count, sums); break;
            case 4: Sums<Four>(rows, count, sums); break;
            case 3: Sums<Three>(rows, count, sums); break;
            case 2: Sums<Two>(rows, count, sums); break;
            default: Sums<One>(rows, count, sums); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums<T>(float* rows, int count, Span<float> sums) where T : struct, IRowCount
    {
        float* r0 = rows, r1 = r0 + count, r2 = r1 + count, r3 = r2 + count, r4 = r3 + count, r5 = r4 + count, r6 = r5 + count, r7 = r6 + count;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < count; i++)
        {
            s0 += r0[i];
            if (T.Count > 1) s1 += r1[i];
            if (T.Count > 2) s2 += r2[i];
            if (T.Count > 3) s3 += r3[i];
            if (T.Count > 4) s4 += r4[i];
            if (T.Count > 5) s5 += r5[i];
            if (T.Count > 6) s6 += r6[i];
            if (T.Count > 7) s7 += r7[i];
        }
        sums[0] = s0;
        if (T.Count > 1) sums[1] = s1;
        if (T.Count > 2) sums[2] = s2;
        if (T.Count > 3) sums[3] = s3;
        if (T.Count > 4) sums[4] = s4;
        if (T.Count > 5) sums[5] = s5;
        if (T.Count > 6) sums[6] = s6;
        if (T.Count > 7) sums[7] = s7;
    }

    private static bool HeadRowsContiguous(Tensor t, long headDim) =>
        t.dim() == 3 && t.shape[2] == headDim && t.stride(2) == 1 && t.stride(1) == headDim;

    /// <summary>p·V for one lane type: a chunk of columns (4 vectors of 16, else 2 vectors) for up to 4 rows at a time,
    /// each output one chain over the keys in order, so the bits do not depend on the lane type.</summary>
    private static class Mixer<TL> where TL : struct, IFloatLanes<TL>
    {
        private static int Chunk => (TL.Count == 16 ? 4 : 2) * TL.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Head(float* p, int rows, int count, float* v, int headDim, float* y)
        {
            for (int column = 0; column < headDim;)
            {
                bool wide = column + Chunk <= headDim;
                for (int r = 0; r < rows; r += 4)
                {
                    float* pr = p + (long)r * count, yr = y + (long)r * headDim + column;
                    switch ((Math.Min(4, rows - r), wide))
                    {
                        case (1, true): Rows<One, Four>(pr, count, v + column, headDim, yr); break;
                        case (2, true): Rows<Two, Four>(pr, count, v + column, headDim, yr); break;
                        case (3, true): Rows<Three, Four>(pr, count, v + column, headDim, yr); break;
                        case (_, true): Rows<Four, Four>(pr, count, v + column, headDim, yr); break;
                        case (1, false): Rows<One, One>(pr, count, v + column, headDim, yr); break;
                        case (2, false): Rows<Two, One>(pr, count, v + column, headDim, yr); break;
                        case (3, false): Rows<Three, One>(pr, count, v + column, headDim, yr); break;
                        default: Rows<Four, One>(pr, count, v + column, headDim, yr); break;
                    }
                }
                column += wide ? Chunk : TL.Count;
            }
        }

        /// <summary>Up to 4 rows of p times a chunk (or one vector) of V's columns: the keys in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Rows<T, TWide>(float* p, int count, float* v, int headDim, float* y) where T : struct, IRowCount where TWide : struct, IRowCount
        {
            TL a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            TL c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
            float* p1 = p + count, p2 = p1 + count, p3 = p2 + count;
            int n = TL.Count;
            bool two = TWide.Count > 1, four = two && TL.Count == 16;
            for (int s = 0; s < count; s++)
            {
                float* row = v + (long)s * headDim;
                TL v0 = TL.Load(row), v1 = default, v2 = default, v3 = default;
                if (two) v1 = TL.Load(row + n);
                if (four) { v2 = TL.Load(row + 2 * n); v3 = TL.Load(row + 3 * n); }
                var w = TL.Broadcast(p[s]);
                a0 = TL.MultiplyAdd(w, v0, a0);
                if (two) a1 = TL.MultiplyAdd(w, v1, a1);
                if (four) { a2 = TL.MultiplyAdd(w, v2, a2); a3 = TL.MultiplyAdd(w, v3, a3); }
                if (T.Count > 1)
                {
                    w = TL.Broadcast(p1[s]);
                    b0 = TL.MultiplyAdd(w, v0, b0);
                    if (two) b1 = TL.MultiplyAdd(w, v1, b1);
                    if (four) { b2 = TL.MultiplyAdd(w, v2, b2); b3 = TL.MultiplyAdd(w, v3, b3); }
                }
                if (T.Count > 2)
                {
                    w = TL.Broadcast(p2[s]);
                    c0 = TL.MultiplyAdd(w, v0, c0);
                    if (two) c1 = TL.MultiplyAdd(w, v1, c1);
                    if (four) { c2 = TL.MultiplyAdd(w, v2, c2); c3 = TL.MultiplyAdd(w, v3, c3); }
                }
                if (T.Count > 3)
                {
                    w = TL.Broadcast(p3[s]);
                    d0 = TL.MultiplyAdd(w, v0, d0);
                    if (two) d1 = TL.MultiplyAdd(w, v1, d1);
                    if (four) { d2 = TL.MultiplyAdd(w, v2, d2); d3 = TL.MultiplyAdd(w, v3, d3); }
                }
            }
            Store(y, n, two, four, a0, a1, a2, a3);
            if (T.Count > 1) Store(y + headDim, n, two, four, b0, b1, b2, b3);
            if (T.Count > 2) Store(y + 2 * headDim, n, two, four, c0, c1, c2, c3);
            if (T.Count > 3) Store(y + 3 * headDim, n, two, four, d0, d1, d2, d3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* y, int n, bool two, bool four, TL a, TL b, TL c, TL d)
        {
            a.Store(y);
            if (two) b.Store(y + n);
            if (four)
            {
                c.Store(y + 2 * n);
                d.Store(y + 3 * n);
            }
        }
    }
}
