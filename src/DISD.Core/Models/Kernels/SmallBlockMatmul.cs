using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DISD.Runtime;
using static TorchSharp.torch;
using V = System.Runtime.Intrinsics.Vector512<float>;
using VX = System.Runtime.Intrinsics.Vector512;

namespace DISD.Models.Kernels;

/// <summary>
/// <c>y = x · Wᵀ</c> for x of 1–16 rows (a decode step or a speculative verify block) on the CPU, float32: every
/// weight row is streamed from memory once and multiplied by all rows of x while it is in L1.
/// <para>Written by hand because libtorch's MKL sgemm/sgemv is neither fast nor consistent here. On this project's
/// 2-core AMD machines the 158.6M shape's projections took 27 ms for one row (23.5 GB/s; this kernel: 11.9 ms,
/// 53 GB/s) and 78 ms for five (this kernel: 15.2–15.8 ms), `DISD.Bench.Models --projections`; and a row's result
/// depended on how many rows it was multiplied with, so a token's logits in a verify block differed in the last bits
/// from its one-token decode.</para>
/// <para>Each output element has one fixed summation order, whatever the number of rows and threads: 16-lane chunks
/// k = 0, 16, 32, … go alternately to two accumulators, then the chunk left over (if any) to the first, the lane
/// sum of their sum, then the remaining k in order. So a row's product is bit-identical in a block of any size and
/// with any thread count; with <see cref="AttentionKernels"/> this makes a verify block's logits equal its tokens'
/// one-token steps. The order, and so the last bits, may differ on a CPU with another vector width (there the
/// models use F.linear).</para>
/// </summary>
public static unsafe class SmallBlockMatmul
{
    public const int MaxRows = 16;

    /// <summary>
    /// With two or more rows of x the loop computes long enough per weight line that the hardware prefetcher no
    /// longer keeps the stream ahead; an explicit prefetch 8 KB ahead (in the order the weights are read) took 5 rows
    /// from 19.5–28 to 16.2–17.5 ms per 158.6M step (2 threads, interleaved runs). For one row it cost 5–10 %, so one
    /// row goes without.
    /// </summary>
    private const int PrefetchDistance = 2048;

    /// <summary>
    /// For two or more rows of x with k above this, k is cut into blocks of this many columns, and a tile of
    /// <see cref="Tile"/> weight rows is read block by block: x's block (≤ 16 rows × 4 KB) then stays in L1 for the
    /// whole tile instead of x being fetched from L2 for every weight row. On the 158.6M shape's down projections
    /// (k = 4096, 5 rows, 2 threads) this took 4.5–4.9 ms to 2.7–3.2 ms against 1.9–2.8 ms for one row; blocks of 512
    /// or 2048 columns and tiles of 8, 16 or 64 rows were slower. Blocks of 1024 start on a multiple of 32 columns,
    /// so the accumulators continue as they would unblocked and the summation order does not change.
    /// </summary>
    private const int KBlock = 1024, Tile = 32;

    /// <summary>Whether this CPU runs the kernel (512-bit vectors; elsewhere F.linear is used).</summary>
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

        /// <summary>Whether k is read in blocks (see <see cref="KBlock"/>).</summary>
        public bool Blocked => Rows > 1 && K > KBlock;
    }

    /// <summary>Output columns [<paramref name="first"/>, <paramref name="end"/>) of every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Range(Operands p, int first, int end)
    {
        bool blocked = p.Blocked, oneGroup = p.Rows <= 8;
        int tile = blocked ? Tile : end - first, main = p.K & ~31, block = blocked ? KBlock : main;
        // Two accumulators per (weight row of the tile, row of x), kept here between blocks.
        V* sums = stackalloc V[blocked ? tile * p.Rows * 2 : 0];
        for (int o0 = first; o0 < end; o0 += tile)
        {
            var run = new Run(p, o0, Math.Min(tile, end - o0), sums);
            int kb = 0;
            do
            {
                int blockEnd = Math.Min(kb + block, main);
                if (oneGroup)
                {
                    Group(run, 0, 0, run.Count, kb, blockEnd);
                }
                else
                {
                    // More than 8 rows of x: every group of 8 takes a weight row while it is in L1.
                    for (int t = 0; t < run.Count; t++)
                        for (int r = 0; r < p.Rows; r += 8)
                            Group(run, r, t, t + 1, kb, blockEnd);
                }
                kb = blockEnd;
            }
            while (kb < main);
        }
    }

    /// <summary>Weight rows [<see cref="O0"/>, <see cref="O0"/> + <see cref="Count"/>) of one tile, with the
    /// accumulators they keep between blocks (<see cref="Sums"/>, 2 per row of x per weight row).</summary>
    private readonly struct Run(Operands p, int o0, int count, V* sums)
    {
        public readonly Operands P = p;
        public readonly int O0 = o0, Count = count;
        public readonly V* Sums = sums;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group(Run run, int r, int from, int to, int start, int end)
    {
        switch (Math.Min(8, run.P.Rows - r))
        {
            case 1: Rows<One>(run, r, from, to, start, end); break;
            case 2: Rows<Two>(run, r, from, to, start, end); break;
            case 3: Rows<Three>(run, r, from, to, start, end); break;
            case 4: Rows<Four>(run, r, from, to, start, end); break;
            case 5: Rows<Five>(run, r, from, to, start, end); break;
            case 6: Rows<Six>(run, r, from, to, start, end); break;
            case 7: Rows<Seven>(run, r, from, to, start, end); break;
            default: Rows<Eight>(run, r, from, to, start, end); break;
        }
    }

    /// <summary>The weights <see cref="PrefetchDistance"/> floats ahead of block <paramref name="start"/> of tile
    /// row <paramref name="t"/> in the order they are read (a prefetch never faults, so past the end is harmless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Ahead(Run run, int t, int start)
    {
        float* w = run.P.W + (long)run.O0 * run.P.K;
        if (!run.P.Blocked)
            return w + (long)t * run.P.K + start + PrefetchDistance;
        int later = t + PrefetchDistance / KBlock;
        return later < run.Count
            ? w + (long)later * run.P.K + start
            : w + (long)(later - run.Count) * run.P.K + start + KBlock;
    }

    /// <summary>
    /// Rows r … r+7 (at most) of x against columns [<paramref name="start"/>, <paramref name="end"/>) of tile rows
    /// [<paramref name="from"/>, <paramref name="to"/>): continued from the kept accumulators unless
    /// <paramref name="start"/> is 0, finished into y at the last block, kept otherwise. One body for all counts:
    /// the JIT compiles it once per <typeparamref name="T"/> with the untaken branches removed, so the accumulators
    /// stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<T>(Run run, int r, int from, int to, int start, int end) where T : struct, IRowCount
    {
        int k = run.P.K, rows = run.P.Rows;
        long n = run.P.N;
        bool last = end == (k & ~31);
        float* x = run.P.X + (long)r * k, x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k, x6 = x5 + k, x7 = x6 + k;
        for (int t = from; t < to; t++)
        {
            float* w = run.P.W + (long)(run.O0 + t) * k, ahead = Ahead(run, t, start) - start;
            float* y = run.P.Y + r * n + run.O0 + t;
            V* sums = run.Sums + (t * rows + r) * 2;
            V a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
            V a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
            // The first block starts from zero in registers (zeroing sums in memory first cost 5 rows 40 %: the loads
            // then wait for the clear's narrower stores).
            if (start > 0)
            {
                a0 = sums[0]; b0 = sums[1];
                if (T.Count > 1) { a1 = sums[2]; b1 = sums[3]; }
                if (T.Count > 2) { a2 = sums[4]; b2 = sums[5]; }
                if (T.Count > 3) { a3 = sums[6]; b3 = sums[7]; }
                if (T.Count > 4) { a4 = sums[8]; b4 = sums[9]; }
                if (T.Count > 5) { a5 = sums[10]; b5 = sums[11]; }
                if (T.Count > 6) { a6 = sums[12]; b6 = sums[13]; }
                if (T.Count > 7) { a7 = sums[14]; b7 = sums[15]; }
            }
            for (int i = start; i < end; i += 32)
            {
                if (T.Count > 1 && Sse.IsSupported)
                {
                    Sse.PrefetchNonTemporal(ahead + i);
                    Sse.PrefetchNonTemporal(ahead + i + 16);
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
            if (last)
            {
                y[0] = Finish(a0, b0, x, w, k, end);
                if (T.Count > 1) y[n] = Finish(a1, b1, x1, w, k, end);
                if (T.Count > 2) y[2 * n] = Finish(a2, b2, x2, w, k, end);
                if (T.Count > 3) y[3 * n] = Finish(a3, b3, x3, w, k, end);
                if (T.Count > 4) y[4 * n] = Finish(a4, b4, x4, w, k, end);
                if (T.Count > 5) y[5 * n] = Finish(a5, b5, x5, w, k, end);
                if (T.Count > 6) y[6 * n] = Finish(a6, b6, x6, w, k, end);
                if (T.Count > 7) y[7 * n] = Finish(a7, b7, x7, w, k, end);
                continue;
            }
            sums[0] = a0; sums[1] = b0;
            if (T.Count > 1) { sums[2] = a1; sums[3] = b1; }
            if (T.Count > 2) { sums[4] = a2; sums[5] = b2; }
            if (T.Count > 3) { sums[6] = a3; sums[7] = b3; }
            if (T.Count > 4) { sums[8] = a4; sums[9] = b4; }
            if (T.Count > 5) { sums[10] = a5; sums[11] = b5; }
            if (T.Count > 6) { sums[12] = a6; sums[13] = b6; }
            if (T.Count > 7) { sums[14] = a7; sums[15] = b7; }
        }
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
