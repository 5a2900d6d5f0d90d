using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VX = System.Runtime.Intrinsics.Vector256;

namespace DISD.Models.Kernels;

/// <summary>
/// <c>y = x · Wᵀ</c> for a few rows of x on the CPU in float32, with W read as stored: every row of W is streamed
/// once and multiplied by all rows of x while it is in L1. The attention uses it for q·Kᵀ over the cache
/// (<see cref="AttentionKernels"/>: a head's cached keys are W's rows), where W changes every step and cannot be
/// packed ahead; the projections, whose weights can, use <see cref="PanelMatmul"/>. Written by hand because
/// libtorch's batched matmul copies the transposed keys, and MKL's result for a row depends on the rows beside it and
/// on the CPU it runs on (bench/RESULTS.md, "CPU kernels").
/// <para>Each output element has one summation order, the same on every CPU, for any number of rows and threads:
/// eight lanes, lane j a chain of fused multiply-adds from zero over i = j, j+8, j+16, … below k rounded down to a
/// multiple of 8; then ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)); then the remaining terms in order. The
/// eight lanes are one 256-bit vector: in hardware with AVX2 and AVX-512 (as 256-bit operations), in .NET's exact
/// software fallback elsewhere.</para>
/// </summary>
public static unsafe class SmallBlockMatmul
{
    public const int MaxRows = 16;

    internal readonly struct Operands(float* x, int rows, int k, float* w, int n, float* y)
    {
        public readonly float* X = x, W = w, Y = y;
        public readonly int Rows = rows, K = k, N = n;
    }

    /// <summary>Outputs [<paramref name="first"/>, <paramref name="end"/>) of every row; any number of rows.</summary>
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
        V a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        float* x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k, x6 = x5 + k, x7 = x6 + k;
        int end = k & ~7, i = 0;
        for (; i < end; i += 8)
        {
            var wi = VX.Load(w + i);
            a0 = VX.FusedMultiplyAdd(wi, VX.Load(x + i), a0);
            if (T.Count > 1) a1 = VX.FusedMultiplyAdd(wi, VX.Load(x1 + i), a1);
            if (T.Count > 2) a2 = VX.FusedMultiplyAdd(wi, VX.Load(x2 + i), a2);
            if (T.Count > 3) a3 = VX.FusedMultiplyAdd(wi, VX.Load(x3 + i), a3);
            if (T.Count > 4) a4 = VX.FusedMultiplyAdd(wi, VX.Load(x4 + i), a4);
            if (T.Count > 5) a5 = VX.FusedMultiplyAdd(wi, VX.Load(x5 + i), a5);
            if (T.Count > 6) a6 = VX.FusedMultiplyAdd(wi, VX.Load(x6 + i), a6);
            if (T.Count > 7) a7 = VX.FusedMultiplyAdd(wi, VX.Load(x7 + i), a7);
        }
        y[0] = Finish(a0, x, w, k, i);
        if (T.Count > 1) y[n] = Finish(a1, x1, w, k, i);
        if (T.Count > 2) y[2L * n] = Finish(a2, x2, w, k, i);
        if (T.Count > 3) y[3L * n] = Finish(a3, x3, w, k, i);
        if (T.Count > 4) y[4L * n] = Finish(a4, x4, w, k, i);
        if (T.Count > 5) y[5L * n] = Finish(a5, x5, w, k, i);
        if (T.Count > 6) y[6L * n] = Finish(a6, x6, w, k, i);
        if (T.Count > 7) y[7L * n] = Finish(a7, x7, w, k, i);
    }

    /// <summary>The lanes' fixed tree, then the terms after the last full 8 in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(V lanes, float* x, float* w, int k, int i)
    {
        var halves = lanes.GetLower() + lanes.GetUpper();
        float sum = (halves.GetElement(0) + halves.GetElement(2)) + (halves.GetElement(1) + halves.GetElement(3));
        for (; i < k; i++)
            sum = MathF.FusedMultiplyAdd(x[i], w[i], sum);
        return sum;
    }
}
