using System.Runtime.CompilerServices;
using DISD.Runtime;
using static TorchSharp.torch;
using V = System.Runtime.Intrinsics.Vector512<float>;
using VX = System.Runtime.Intrinsics.Vector512;

namespace DISD.Models.Kernels;

/// <summary>
/// <c>y = x · Wᵀ</c> for a projection's weight W [n, k] on the CPU in float32, with W stored in panels
/// (<see cref="Pack"/>): panel p holds output columns 64p … 64p+63 as k rows of 64 floats, so the kernel reads each
/// panel as one contiguous stream. Made for decode steps and speculative verify blocks (1–16 rows of x); longer
/// prefill blocks go through in slices of <see cref="SliceRows"/> rows.
/// <para>Why panels. Reading W's rows as stored (<see cref="SmallBlockMatmul"/>), each weight vector meets x's rows
/// through one load of x per multiply-add, and with 5 rows of x the loop's loads, not the memory, set the pace: on the
/// 158.6M shape 5 rows cost 1.4× one row. In a panel each step over k loads 4 weight vectors and broadcasts one
/// value of each row of x, then does 4 × rows multiply-adds: 9 loads for 20 with 5 rows, against 12 for 10. The
/// shape's projections then take 12.0–12.1 ms for 5 rows against 11.3–12.9 ms for one (2 threads; F.linear, with
/// libtorch's MKL, 72–77 ms for 5 rows; `DISD.Bench.Models --projections`, bench/RESULTS.md). Packing B once is what
/// BLAS libraries do inside a product; here the weights stay packed between steps.</para>
/// <para>Each output element is one chain of fused multiply-adds over k = 0, 1, 2, … from zero, whatever the number
/// of rows and threads, so a row's product is bit-identical in a block of any size; with
/// <see cref="AttentionKernels"/> this makes a verify block's logits equal its tokens' one-token steps.</para>
/// </summary>
public static unsafe class PanelMatmul
{
    /// <summary>Output columns per panel: 4 vectors of 16 floats.</summary>
    public const int Width = 64;

    /// <summary>Rows of x multiplied together: 5 rows × 4 accumulators, 4 weight vectors and a broadcast take 25 of
    /// the 32 vector registers.</summary>
    private const int MaxGroup = 5;

    /// <summary>With more than <see cref="MaxGroup"/> rows each group reads the panel again; in blocks of this many k
    /// (256 KB of panel) the second read comes from L2.</summary>
    private const int KBlock = 1024;

    /// <summary>Rows of x per pass over the weights; within a pass each 256 KB block of a panel is read from memory
    /// once and from L2 by every further group of rows.</summary>
    public const int SliceRows = 64;

    /// <summary>Whether this CPU runs the kernel (512-bit vectors; elsewhere F.linear is used).</summary>
    public static bool IsSupported => SmallBlockMatmul.IsSupported;

    /// <summary>W [n, k] as panels [⌈n/64⌉, k, 64] (the last panel padded with zero rows).</summary>
    public static Tensor Pack(Tensor weight)
    {
        if (weight.dim() != 2 || weight.dtype != ScalarType.Float32 || weight.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"expected a float32 CPU weight [n, k], got {weight.dtype} [{string.Join(", ", weight.shape)}] on {weight.device}", nameof(weight));
        long n = weight.shape[0], k = weight.shape[1], panels = (n + Width - 1) / Width;
        using var scope = NewDisposeScope();
        var padded = panels * Width == n ? weight : cat([weight, zeros(panels * Width - n, k)]);
        return padded.view(panels, Width, k).transpose(1, 2).contiguous().MoveToOuterDisposeScope();
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
        using var scope = NewDisposeScope();
        var panel = ids.div(Scalars.Of((long)Width), RoundingMode.floor);
        var column = ids.remainder(Scalars.Of((long)Width));
        return panels.index(TensorIndex.Tensor(panel), TensorIndex.Colon, TensorIndex.Tensor(column)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="x"/> [rows, k] times W [<paramref name="n"/>, k]ᵀ from W's <paramref name="panels"/>,
    /// split over <paramref name="threads"/>.</summary>
    public static Tensor Multiply(Tensor x, Tensor panels, long n, int threads)
    {
        if (x.dim() != 2 || x.shape[0] < 1)
            throw new ArgumentException($"expected x [rows, k], got [{string.Join(", ", x.shape)}]", nameof(x));
        int rows = checked((int)x.shape[0]), k = checked((int)x.shape[1]);
        if (panels.dim() != 3 || panels.shape[1] != k || panels.shape[2] != Width || panels.shape[0] != (n + Width - 1) / Width || n < 1)
            throw new ArgumentException($"expected panels [{(n + Width - 1) / Width}, {k}, {Width}] for n = {n}, got [{string.Join(", ", panels.shape)}]", nameof(panels));
        int count = (int)panels.shape[0];
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

    private readonly struct Operands(float* x, int rows, int k, float* panels, int n, float* y)
    {
        public readonly float* X = x, Panels = panels, Y = y;
        public readonly int Rows = rows, K = k, N = n;
    }

    /// <summary>Panels [<paramref name="first"/>, <paramref name="end"/>): every row of x against each panel, the
    /// rows in balanced groups of at most <see cref="MaxGroup"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(Operands p, int first, int end)
    {
        int k = p.K, groups = (p.Rows + MaxGroup - 1) / MaxGroup, block = groups > 1 ? KBlock : k;
        V* sums = stackalloc V[SliceRows * 4];
        for (int panel = first; panel < end; panel++)
        {
            float* w = p.Panels + (long)panel * k * Width;
            for (int c0 = 0; c0 < k; c0 += block)
            {
                int c1 = Math.Min(k, c0 + block);
                for (int g = 0, r = 0; g < groups; g++)
                {
                    int size = (p.Rows - r + groups - g - 1) / (groups - g);
                    Group(size, p.X + (long)r * k, k, w, c0, c1, sums + r * 4);
                    r += size;
                }
            }
            int columns = Math.Min(Width, p.N - panel * Width);
            for (int r = 0; r < p.Rows; r++)
                new ReadOnlySpan<float>(sums + r * 4, columns).CopyTo(new Span<float>(p.Y + (long)r * p.N + panel * Width, columns));
        }
    }

    private static void Group(int size, float* x, int k, float* w, int c0, int c1, V* sums)
    {
        switch (size)
        {
            case 1: Columns<One>(x, k, w, c0, c1, sums); break;
            case 2: Columns<Two>(x, k, w, c0, c1, sums); break;
            case 3: Columns<Three>(x, k, w, c0, c1, sums); break;
            case 4: Columns<Four>(x, k, w, c0, c1, sums); break;
            default: Columns<Five>(x, k, w, c0, c1, sums); break;
        }
    }

    /// <summary>
    /// Rows 0 … T−1 of <paramref name="x"/> against panel rows [<paramref name="c0"/>, <paramref name="c1"/>),
    /// continuing the chains kept in <paramref name="sums"/> (4 vectors per row) unless <paramref name="c0"/> is 0.
    /// One body for all counts: the JIT compiles it once per <typeparamref name="T"/> with the untaken branches
    /// removed, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<T>(float* x, int k, float* w, int c0, int c1, V* sums) where T : struct, IRowCount
    {
        float* x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k;
        V a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        V c0v = default, c1v = default, c2v = default, c3v = default, d0 = default, d1 = default, d2 = default, d3 = default;
        V e0 = default, e1 = default, e2 = default, e3 = default;
        if (c0 > 0)
        {
            a0 = sums[0]; a1 = sums[1]; a2 = sums[2]; a3 = sums[3];
            if (T.Count > 1) { b0 = sums[4]; b1 = sums[5]; b2 = sums[6]; b3 = sums[7]; }
            if (T.Count > 2) { c0v = sums[8]; c1v = sums[9]; c2v = sums[10]; c3v = sums[11]; }
            if (T.Count > 3) { d0 = sums[12]; d1 = sums[13]; d2 = sums[14]; d3 = sums[15]; }
            if (T.Count > 4) { e0 = sums[16]; e1 = sums[17]; e2 = sums[18]; e3 = sums[19]; }
        }
        for (int c = c0; c < c1; c++)
        {
            float* wc = w + (long)c * Width;
            V w0 = VX.Load(wc), w1 = VX.Load(wc + 16), w2 = VX.Load(wc + 32), w3 = VX.Load(wc + 48);
            var t = VX.Create(x[c]);
            a0 = VX.FusedMultiplyAdd(w0, t, a0); a1 = VX.FusedMultiplyAdd(w1, t, a1); a2 = VX.FusedMultiplyAdd(w2, t, a2); a3 = VX.FusedMultiplyAdd(w3, t, a3);
            if (T.Count > 1) { t = VX.Create(x1[c]); b0 = VX.FusedMultiplyAdd(w0, t, b0); b1 = VX.FusedMultiplyAdd(w1, t, b1); b2 = VX.FusedMultiplyAdd(w2, t, b2); b3 = VX.FusedMultiplyAdd(w3, t, b3); }
            if (T.Count > 2) { t = VX.Create(x2[c]); c0v = VX.FusedMultiplyAdd(w0, t, c0v); c1v = VX.FusedMultiplyAdd(w1, t, c1v); c2v = VX.FusedMultiplyAdd(w2, t, c2v); c3v = VX.FusedMultiplyAdd(w3, t, c3v); }
            if (T.Count > 3) { t = VX.Create(x3[c]); d0 = VX.FusedMultiplyAdd(w0, t, d0); d1 = VX.FusedMultiplyAdd(w1, t, d1); d2 = VX.FusedMultiplyAdd(w2, t, d2); d3 = VX.FusedMultiplyAdd(w3, t, d3); }
            if (T.Count > 4) { t = VX.Create(x4[c]); e0 = VX.FusedMultiplyAdd(w0, t, e0); e1 = VX.FusedMultiplyAdd(w1, t, e1); e2 = VX.FusedMultiplyAdd(w2, t, e2); e3 = VX.FusedMultiplyAdd(w3, t, e3); }
        }
        sums[0] = a0; sums[1] = a1; sums[2] = a2; sums[3] = a3;
        if (T.Count > 1) { sums[4] = b0; sums[5] = b1; sums[6] = b2; sums[7] = b3; }
        if (T.Count > 2) { sums[8] = c0v; sums[9] = c1v; sums[10] = c2v; sums[11] = c3v; }
        if (T.Count > 3) { sums[12] = d0; sums[13] = d1; sums[14] = d2; sums[15] = d3; }
        if (T.Count > 4) { sums[16] = e0; sums[17] = e1; sums[18] = e2; sums[19] = e3; }
    }
}
