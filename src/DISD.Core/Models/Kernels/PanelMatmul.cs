using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models.Kernels;

/// <summary>
/// <c>y = x · Wᵀ</c> for a projection's weight W [n, k] on the CPU in float32, with W stored in panels
/// (<see cref="Pack"/>): panel p holds output columns w·p … w·p + w − 1 as k rows of w floats, so the
/// kernel reads each panel as one contiguous stream. Made for decode steps and speculative verify blocks (1–16 rows
/// of x); longer prefill blocks go through in slices of <see cref="SliceRows"/> rows.
/// <para>Why panels. Reading W's rows as stored, each weight vector meets x's rows through one load of x per
/// multiply-add, and with 5 rows of x the loads, not the memory, set the pace. In a panel each step over k loads the
/// panel's few weight vectors and broadcasts one value of each row of x, then does vectors × rows multiply-adds.
/// Packing B once is what BLAS libraries do inside a product; here the weights stay packed between steps
/// (bench/RESULTS.md, "CPU kernels").</para>
/// <para>Each output element is one chain of fused multiply-adds over k = 0, 1, 2, … from zero, whatever the number
/// of rows, threads and the vector width: the vectors run across output columns, never along k. So a row's product
/// is bit-identical in a block of any size, with any thread count and on every <see cref="CpuKernelPath"/>; with
/// <see cref="AttentionKernels"/> this makes a verify block's logits equal its tokens' one-token steps, on any CPU.</para>
/// <para>The panel width w follows the register file. With AVX-512's 32 registers a panel is 4 vectors of 16
/// (w = 64) for up to 5 rows (20 accumulators, 4 weight vectors and a broadcast). With 16 registers it is 2 vectors
/// of 8 (w = 16) for up to 6 rows (12 + 2 + 1), and one row takes 4 panels at a time, so that 8 independent chains
/// keep both FMA pipes busy. Reading a 64-wide panel in narrower strips instead would read memory at a stride, which
/// made blocks of 5 rows much slower (bench/RESULTS.md, section "CPU kernels on every x86-64 path").</para>
/// </summary>
public static unsafe class PanelMatmul
{
    /// <summary>With more rows than a group holds, each group reads the panel again; in blocks of this many k the
    /// second read comes from L2.</summary>
    private const int KBlock = 1024;

    /// <summary>How far ahead of the loop a group of rows asks for a 16-wide panel's lines, in floats (16 KB). With
    /// several rows of x the loop consumes the panel's single stream (one cache line per k) faster than the hardware
    /// prefetcher brings it in. One row over four panels, and AVX-512's 64-wide panels, were slower with it
    /// (bench/RESULTS.md, "Prefetching the panels"). A prefetch is a hint: it never faults past the end of the panels
    /// and changes no result.</summary>
    private const int PrefetchAhead = 4096;

    /// <summary>Rows of x per pass over the weights; within a pass each block of a panel is read from memory once and
    /// from L2 by every further group of rows.</summary>
    public const int SliceRows = 64;

    /// <summary>Output columns per panel on <paramref name="path"/>: 64 with AVX-512, else 16.</summary>
    public static int Width(CpuKernelPath path) => path switch
    {
        CpuKernelPath.Avx512 => Panel<Lanes512>.PanelWidth,
        CpuKernelPath.Avx2 => Panel<Lanes256>.PanelWidth,
        _ => Panel<Lanes128>.PanelWidth,
    };

    /// <summary>W [n, k] as panels [⌈n/w⌉, k, w] for this process's path (the last panel padded with zero rows).</summary>
    public static Tensor Pack(Tensor weight) => Pack(weight, CpuKernels.Path);

    /// <summary>W [n, k] as float32 panels for <paramref name="path"/> (tests compare the paths in one process); a bfloat16
    /// or float16 W is widened as it is copied, which is exact.</summary>
    public static Tensor Pack(Tensor weight, CpuKernelPath path)
    {
        if (weight.dim() != 2 || weight.dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16)
            || weight.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"expected a float32 (or bfloat16/float16, widened exactly) CPU weight [n, k], got {weight.dtype} "
                + $"[{string.Join(", ", weight.shape)}] on {weight.device}", nameof(weight));
        long width = Width(path), n = weight.shape[0], k = weight.shape[1], whole = n / width, panels = (n + width - 1) / width;
        using var scope = NewDisposeScope();
        // Copied straight into the panels: padding W first (cat) cost a second W-sized tensor, and at a 262k
        // vocabulary the fresh pages of each such tensor are a good part of a model's load.
        var result = empty(panels, k, width, ScalarType.Float32);
        var source = weight.is_contiguous() ? weight : weight.contiguous();
        if (whole > 0)
            result.narrow(0, 0, whole).copy_(source.narrow(0, 0, whole * width).view(whole, width, k).transpose(1, 2));
        if (whole < panels)
        {
            var last = result.narrow(0, whole, 1).zero_();
            long rest = n - whole * width;
            last.narrow(2, 0, rest).copy_(source.narrow(0, whole * width, rest).transpose(0, 1).unsqueeze(0));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows <paramref name="ids"/> of W [<paramref name="n"/>, k], gathered from its panels: a tied head's panels give
    /// the embedding's rows, so the table itself need not be kept.
    /// </summary>
    public static Tensor Rows(Tensor panels, Tensor ids, long n)
    {
        long low = ids.min().item<long>(), high = ids.max().item<long>();
        if (low < 0 || high >= n)
            throw new ArgumentException($"token id {(low < 0 ? low : high)} is outside the vocabulary [0, {n})", nameof(ids));
        long width = panels.shape[2];
        using var scope = NewDisposeScope();
        var panel = ids.div(Scalars.Of(width), RoundingMode.floor);
        var column = ids.remainder(Scalars.Of(width));
        return panels.index(TensorIndex.Tensor(panel), TensorIndex.Colon, TensorIndex.Tensor(column)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="x"/> [rows, k] times W [<paramref name="n"/>, k]ᵀ from W's <paramref name="panels"/>,
    /// split over <paramref name="threads"/>, on this process's <see cref="CpuKernels.Path"/>.</summary>
    public static Tensor Multiply(Tensor x, Tensor panels, long n, int threads) => Multiply(x, panels, n, threads, CpuKernels.Path);

    /// <summary>As <see cref="Multiply(Tensor, Tensor, long, int)"/> on <paramref name="path"/> (tests compare the paths in one process).</summary>
    public static Tensor Multiply(Tensor x, Tensor panels, long n, int threads, CpuKernelPath path)
    {
        if (x.dim() != 2 || x.shape[0] < 1)
            throw new ArgumentException($"expected x [rows, k], got [{string.Join(", ", x.shape)}]", nameof(x));
        int k = checked((int)x.shape[1]);
        int width = Width(path);
        if (panels.dim() != 3 || panels.shape[1] != k || panels.shape[2] != width || panels.shape[0] != (n + width - 1) / width || n < 1)
            throw new ArgumentException($"expected panels [{(n + width - 1) / width}, {k}, {width}] for n = {n} on the {CpuKernels.Name(path)} path, "
                + $"got [{string.Join(", ", panels.shape)}]", nameof(panels));
        return path switch
        {
            CpuKernelPath.Avx512 => Panel<Lanes512>.Multiply(x, panels, n, threads),
            CpuKernelPath.Avx2 => Panel<Lanes256>.Multiply(x, panels, n, threads),
            _ => Panel<Lanes128>.Multiply(x, panels, n, threads),
        };
    }

    /// <summary>The kernel for one lane type <typeparamref name="TL"/>.</summary>
    private static class Panel<TL> where TL : struct, IFloatLanes<TL>
    {
        /// <summary>Weight vectors per panel row.</summary>
        private static int Vectors => TL.Count == 16 ? 4 : 16 / TL.Count;

        public static int PanelWidth => Vectors * TL.Count;

        /// <summary>Rows of x multiplied together: what the registers hold next to the panel's vectors.</summary>
        private static int MaxGroup => Vectors == 2 ? 6 : TL.Count == 16 ? 5 : 2;

        public static Tensor Multiply(Tensor x, Tensor panels, long n, int threads)
        {
            int rows = checked((int)x.shape[0]), k = checked((int)x.shape[1]), count = (int)panels.shape[0];
            var y = empty(rows, n, ScalarType.Float32);
            float* xs = TensorData.Float32(x), ps = TensorData.Float32(panels), ys = TensorData.Float32(y);
            int parts = Math.Max(1, Math.Min(threads, count));
            for (int first = 0; first < rows; first += SliceRows)
            {
                var input = new Operands(xs + (long)first * k, Math.Min(SliceRows, rows - first), k, ps, checked((int)n), ys + first * n);
                CpuWorkers.For(parts, part =>
                {
                    var (start, end) = CpuWorkers.Slice(count, part, parts);
                    Range(input, start, end);
                });
            }
            GC.KeepAlive(x);
            GC.KeepAlive(panels);
            return y;
        }

        /// <summary>Panels [<paramref name="first"/>, <paramref name="end"/>): every row of x against each panel, the
        /// rows in balanced groups of at most <see cref="MaxGroup"/>; one row of x against 2-vector panels four at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Range(Operands p, int first, int end)
        {
            int k = p.K, width = PanelWidth, groups = (p.Rows + MaxGroup - 1) / MaxGroup, block = groups > 1 ? KBlock : k;
            float* sums = stackalloc float[SliceRows * 64];
            int panel = first;
            if (p.Rows == 1 && Vectors == 2)
            {
                long stride = (long)k * width;
                for (; panel + 4 <= end && (long)(panel + 4) * width <= p.N; panel += 4)
                {
                    float* w = p.Panels + panel * stride;
                    Row(p.X, k, w, w + stride, w + 2 * stride, w + 3 * stride, p.Y + panel * width);
                }
            }
            for (; panel < end; panel++)
            {
                float* w = p.Panels + (long)panel * k * width;
                for (int c0 = 0; c0 < k; c0 += block)
                {
                    int c1 = Math.Min(k, c0 + block);
                    for (int g = 0, r = 0; g < groups; g++)
                    {
                        int size = (p.Rows - r + groups - g - 1) / (groups - g);
                        Group(size, p.X + (long)r * k, k, w, c0, c1, sums + r * width);
                        r += size;
                    }
                }
                int columns = Math.Min(width, p.N - panel * width);
                for (int r = 0; r < p.Rows; r++)
                    new ReadOnlySpan<float>(sums + r * width, columns).CopyTo(new Span<float>(p.Y + (long)r * p.N + panel * width, columns));
            }
        }

        private static void Group(int size, float* x, int k, float* w, int c0, int c1, float* sums)
        {
            if (Vectors == 4)
                Group<Four>(size, x, k, w, c0, c1, sums);
            else
                Group<Two>(size, x, k, w, c0, c1, sums);
        }

        /// <summary>The vector count goes in as a type, so that the JIT folds it into the loop (as a value read from a
        /// property it stayed a run-time test in every iteration).</summary>
        private static void Group<TVectors>(int size, float* x, int k, float* w, int c0, int c1, float* sums) where TVectors : struct, IRowCount
        {
            switch (size)
            {
                case 1: Columns<One, TVectors>(x, k, w, c0, c1, sums); break;
                case 2: Columns<Two, TVectors>(x, k, w, c0, c1, sums); break;
                case 3: Columns<Three, TVectors>(x, k, w, c0, c1, sums); break;
                case 4: Columns<Four, TVectors>(x, k, w, c0, c1, sums); break;
                case 5: Columns<Five, TVectors>(x, k, w, c0, c1, sums); break;
                default: Columns<Six, TVectors>(x, k, w, c0, c1, sums); break;
            }
        }

        /// <summary>One row of x against four 2-vector panels, written straight to y (they are whole panels: the
        /// caller leaves the last, possibly partial, panel to <see cref="Columns{T, TVectors}"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Row(float* x, int k, float* p0, float* p1, float* p2, float* p3, float* y)
        {
            int n = TL.Count;
            TL a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int c = 0; c < k; c++)
            {
                long at = (long)c * 2 * n;
                var t = TL.Broadcast(x[c]);
                a0 = TL.MultiplyAdd(TL.Load(p0 + at), t, a0); a1 = TL.MultiplyAdd(TL.Load(p0 + at + n), t, a1);
                a2 = TL.MultiplyAdd(TL.Load(p1 + at), t, a2); a3 = TL.MultiplyAdd(TL.Load(p1 + at + n), t, a3);
                a4 = TL.MultiplyAdd(TL.Load(p2 + at), t, a4); a5 = TL.MultiplyAdd(TL.Load(p2 + at + n), t, a5);
                a6 = TL.MultiplyAdd(TL.Load(p3 + at), t, a6); a7 = TL.MultiplyAdd(TL.Load(p3 + at + n), t, a7);
            }
            a0.Store(y); a1.Store(y + n); a2.Store(y + 2 * n); a3.Store(y + 3 * n);
            a4.Store(y + 4 * n); a5.Store(y + 5 * n); a6.Store(y + 6 * n); a7.Store(y + 7 * n);
        }

        /// <summary>
        /// Rows 0 … T−1 of <paramref name="x"/> against panel rows [<paramref name="c0"/>, <paramref name="c1"/>),
        /// continuing the chains kept in <paramref name="sums"/> (a row every panel width) unless <paramref name="c0"/>
        /// is 0. One body for all counts and widths: the JIT compiles it once per type arguments with the untaken
        /// branches removed, so the accumulators stay in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Columns<T, TVectors>(float* x, int k, float* w, int c0, int c1, float* sums)
            where T : struct, IRowCount where TVectors : struct, IRowCount
        {
            bool four = TVectors.Count == 4;
            int n = TL.Count, width = TVectors.Count * n;
            float* x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k;
            float* s1 = sums + width, s2 = s1 + width, s3 = s2 + width, s4 = s3 + width, s5 = s4 + width;
            TL a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            TL c0v = default, c1v = default, c2v = default, c3v = default, d0 = default, d1 = default, d2 = default, d3 = default;
            TL e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
            if (c0 > 0)
            {
                Resume(sums, n, four, out a0, out a1, out a2, out a3);
                if (T.Count > 1) Resume(s1, n, four, out b0, out b1, out b2, out b3);
                if (T.Count > 2) Resume(s2, n, four, out c0v, out c1v, out c2v, out c3v);
                if (T.Count > 3) Resume(s3, n, four, out d0, out d1, out d2, out d3);
                if (T.Count > 4) Resume(s4, n, four, out e0, out e1, out e2, out e3);
                if (T.Count > 5) Resume(s5, n, four, out f0, out f1, out f2, out f3);
            }
            for (int c = c0; c < c1; c++)
            {
                float* wc = w + (long)c * width;
                if (Sse.IsSupported && width == 16)
                    Sse.Prefetch0(wc + PrefetchAhead);
                TL w0 = TL.Load(wc), w1 = TL.Load(wc + n), w2 = default, w3 = default;
                if (four) { w2 = TL.Load(wc + 2 * n); w3 = TL.Load(wc + 3 * n); }
                var t = TL.Broadcast(x[c]);
                a0 = TL.MultiplyAdd(w0, t, a0); a1 = TL.MultiplyAdd(w1, t, a1);
                if (four) { a2 = TL.MultiplyAdd(w2, t, a2); a3 = TL.MultiplyAdd(w3, t, a3); }
                if (T.Count > 1)
                {
                    t = TL.Broadcast(x1[c]); b0 = TL.MultiplyAdd(w0, t, b0); b1 = TL.MultiplyAdd(w1, t, b1);
                    if (four) { b2 = TL.MultiplyAdd(w2, t, b2); b3 = TL.MultiplyAdd(w3, t, b3); }
                }
                if (T.Count > 2)
                {
                    t = TL.Broadcast(x2[c]); c0v = TL.MultiplyAdd(w0, t, c0v); c1v = TL.MultiplyAdd(w1, t, c1v);
                    if (four) { c2v = TL.MultiplyAdd(w2, t, c2v); c3v = TL.MultiplyAdd(w3, t, c3v); }
                }
                if (T.Count > 3)
                {
                    t = TL.Broadcast(x3[c]); d0 = TL.MultiplyAdd(w0, t, d0); d1 = TL.MultiplyAdd(w1, t, d1);
                    if (four) { d2 = TL.MultiplyAdd(w2, t, d2); d3 = TL.MultiplyAdd(w3, t, d3); }
                }
                if (T.Count > 4)
                {
                    t = TL.Broadcast(x4[c]); e0 = TL.MultiplyAdd(w0, t, e0); e1 = TL.MultiplyAdd(w1, t, e1);
                    if (four) { e2 = TL.MultiplyAdd(w2, t, e2); e3 = TL.MultiplyAdd(w3, t, e3); }
                }
                if (T.Count > 5)
                {
                    t = TL.Broadcast(x5[c]); f0 = TL.MultiplyAdd(w0, t, f0); f1 = TL.MultiplyAdd(w1, t, f1);
                    if (four) { f2 = TL.MultiplyAdd(w2, t, f2); f3 = TL.MultiplyAdd(w3, t, f3); }
                }
            }
            Keep(sums, n, four, a0, a1, a2, a3);
            if (T.Count > 1) Keep(s1, n, four, b0, b1, b2, b3);
            if (T.Count > 2) Keep(s2, n, four, c0v, c1v, c2v, c3v);
            if (T.Count > 3) Keep(s3, n, four, d0, d1, d2, d3);
            if (T.Count > 4) Keep(s4, n, four, e0, e1, e2, e3);
            if (T.Count > 5) Keep(s5, n, four, f0, f1, f2, f3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Resume(float* s, int n, bool four, out TL v0, out TL v1, out TL v2, out TL v3)
        {
            v0 = TL.Load(s);
            v1 = TL.Load(s + n);
            v2 = four ? TL.Load(s + 2 * n) : default;
            v3 = four ? TL.Load(s + 3 * n) : default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Keep(float* s, int n, bool four, TL v0, TL v1, TL v2, TL v3)
        {
            v0.Store(s);
            v1.Store(s + n);
            if (four)
            {
                v2.Store(s + 2 * n);
                v3.Store(s + 3 * n);
            }
        }
    }

    private readonly struct Operands(float* x, int rows, int k, float* panels, int n, float* y)
    {
        public readonly float* X = x, Panels = panels, Y = y;
        public readonly int Rows = rows, K = k, N = n;
    }
}
