using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static DISD.Models.Kernels.FloatVectors;

namespace DISD.Models.Kernels;

/// <summary>
/// exp(x) in float32 for x ≤ 0 (attention's softmax takes exp(score − max)), with the same bits on every CPU, vector
/// width and thread count. Written here because neither function at hand promises that: <see cref="MathF.Exp"/> calls
/// the C library's expf, which glibc picks per CPU (an FMA build and an SSE2 build), and .NET's <c>Vector256.Exp</c>
/// uses <c>MultiplyAddEstimate</c>, fused on FMA hardware and not elsewhere. Every step here is exactly rounded on every
/// path (multiply, add, floor, conversion of an integral value, and <see cref="MathF.FusedMultiplyAdd"/> /
/// <see cref="Vector256.FusedMultiplyAdd{T}"/>, exact in hardware and in .NET's software fallback alike), so the
/// scalar and vector forms agree bit for bit. Accuracy against <see cref="Math.Exp"/> is tested.
/// <para>x = n·ln 2 + r with n = ⌊x·log₂e + ½⌋ and r reduced in two fused steps (|r| ≤ ln 2 / 2), eʳ by its Taylor
/// polynomial of degree 7 (truncation below 2⁻²⁷ relative), then scaled by 2ⁿ through the exponent bits. Below
/// <see cref="Underflow"/> (−∞ included, a masked key) the result is exactly 0: there eˣ is under 2⁻¹²⁵, nothing next to
/// the row maximum's e⁰ = 1. NaN stays NaN.</para>
/// </summary>
internal static class PortableExp
{
    /// <summary>Inputs below this give 0 (n stays ≥ −125, so 2ⁿ and the result are normal floats).</summary>
    public const float Underflow = -86.5f;

    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693145752f;   // ln 2 to 16 bits: n · Ln2High is exact for |n| ≤ 128
    private const float Ln2Low = 1.42860677e-6f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (!(x >= Underflow))
            return float.IsNaN(x) ? x : 0f;
        float n = MathF.Floor(x * Log2E + 0.5f);
        float r = MathF.FusedMultiplyAdd(n, -Ln2Low, MathF.FusedMultiplyAdd(n, -Ln2High, x));
        float p = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(
            MathF.FusedMultiplyAdd(C7, r, C6), r, C5), r, C4), r, C3), r, C2), r, 1f);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }

    /// <summary><see cref="Exp(float)"/> on eight lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var inRange = Vector256.GreaterThanOrEqual(x, Vector256.Create(Underflow));
        var clamped = Vector256.ConditionalSelect(inRange, x, Vector256<float>.Zero);
        var n = Vector256.Floor(clamped * Vector256.Create(Log2E) + Vector256.Create(0.5f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), clamped));
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Vector256.Create(C7), r, C6), r, C5), r, C4), r, C3), r, C2), r, 1f);
        p = Fma(p, r, 1f);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        var result = Vector256.ConditionalSelect(inRange, p * scale, Vector256<float>.Zero);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary><see cref="Exp(float)"/> on four lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        var inRange = Vector128.GreaterThanOrEqual(x, Vector128.Create(Underflow));
        var clamped = Vector128.ConditionalSelect(inRange, x, Vector128<float>.Zero);
        var n = Vector128.Floor(clamped * Vector128.Create(Log2E) + Vector128.Create(0.5f));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), clamped));
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Vector128.Create(C7), r, C6), r, C5), r, C4), r, C3), r, C2), r, 1f);
        p = Fma(p, r, 1f);
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();
        var result = Vector128.ConditionalSelect(inRange, p * scale, Vector128<float>.Zero);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);
    }

    /// <summary>exp of every value of <paramref name="values"/> in place: 8 lanes, 4 lanes or one at a time, the same bits.
    /// Compiled optimised from the first call, as the other kernels are: a first, unoptimised compilation calls every
    /// vector operation instead of inlining it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpInPlace(Span<float> values)
    {
        int i = 0;
        ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= values.Length; i += 8)
                Exp(Vector256.LoadUnsafe(ref start, (nuint)i)).StoreUnsafe(ref start, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= values.Length; i += 4)
                Exp(Vector128.LoadUnsafe(ref start, (nuint)i)).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = Exp(values[i]);
    }
}
