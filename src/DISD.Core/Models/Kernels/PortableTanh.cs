using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static DISD.Models.Kernels.FloatVectors;

namespace DISD.Models.Kernels;

/// <summary>
/// tanh in float32 with the same bits on every CPU, vector width and thread count, for Gemma-2's soft-caps
/// (<see cref="SoftCap"/>). Written here because libtorch's float tanh on a contiguous CPU tensor is MKL's VML
/// <c>vmsTanh</c> (ATen's <c>IMPLEMENT_COMPLEX_KERNEL(tanh)</c> → <c>vml::vtanh</c>), and MKL picks that kernel by CPU
/// whatever ATEN_CPU_CAPABILITY says: the build shipped with TorchSharp holds SSE4.2, AVX2 and AVX-512 variants
/// (<c>mkl_vml_kernel_sTanh_EX/L9/Z0…</c>) and runs the first on AMD CPUs (bench/RESULTS.md). As in
/// <see cref="PortableExp"/>, every step is exactly rounded on every path, so the scalar and vector forms agree bit for
/// bit; accuracy against <see cref="Math.Tanh"/> is tested.
/// <para>tanh |x| = e / (e + 2) with e = expm1(2|x|), the sign put back after: expm1(y) = 2ⁿ·expm1(r) + (2ⁿ − 1) with
/// y = n·ln 2 + r, |r| ≤ ln 2 / 2, expm1(r) = r + r²·P(r) by its Taylor polynomial to r⁸/8!. Near 0 (n = 0) this is
/// r + r²·P(r) itself, with no cancellation. From |x| = 10 on the result is ±1 (tanh 10 rounds to 1 in float32).</para>
/// </summary>
internal static class PortableTanh
{
    private const float Saturation = 10f;
    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693145752f;   // ln 2 to 16 bits: n · Ln2High is exact for |n| ≤ 128
    private const float Ln2Low = 1.42860677e-6f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040, C8 = 1f / 40320;
    private const int SignBit = int.MinValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        if (float.IsNaN(x))
            return x;
        float a = MathF.Min(MathF.Abs(x), Saturation);
        float y = a + a;
        float n = MathF.Floor(y * Log2E + 0.5f);
        float r = MathF.FusedMultiplyAdd(n, -Ln2Low, MathF.FusedMultiplyAdd(n, -Ln2High, y));
        float p = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(
            MathF.FusedMultiplyAdd(C8, r, C7), r, C6), r, C5), r, C4), r, C3), r, C2);
        float expm1R = MathF.FusedMultiplyAdd(r * r, p, r);
        float scale = BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
        float e = MathF.FusedMultiplyAdd(scale, expm1R, scale - 1f);
        float t = e / (e + 2f);
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(t) | (BitConverter.SingleToInt32Bits(x) & SignBit));
    }

    /// <summary><see cref="Tanh(float)"/> on eight lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var a = Vector256.MinNative(Vector256.Abs(x), Vector256.Create(Saturation));
        var y = a + a;
        var n = Vector256.Floor(y * Vector256.Create(Log2E) + Vector256.Create(0.5f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), y));
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Vector256.Create(C8), r, C7), r, C6), r, C5), r, C4), r, C3), r, C2);
        var expm1R = Vector256.FusedMultiplyAdd(r * r, p, r);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        var e = Vector256.FusedMultiplyAdd(scale, expm1R, scale - Vector256<float>.One);
        var t = e / (e + Vector256.Create(2f));
        var signed = (t.AsInt32() | (x.AsInt32() & Vector256.Create(SignBit))).AsSingle();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);
    }

    /// <summary><see cref="Tanh(float)"/> on four lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var a = Vector128.MinNative(Vector128.Abs(x), Vector128.Create(Saturation));
        var y = a + a;
        var n = Vector128.Floor(y * Vector128.Create(Log2E) + Vector128.Create(0.5f));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), y));
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Vector128.Create(C8), r, C7), r, C6), r, C5), r, C4), r, C3), r, C2);
        var expm1R = Vector128.FusedMultiplyAdd(r * r, p, r);
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();
        var e = Vector128.FusedMultiplyAdd(scale, expm1R, scale - Vector128<float>.One);
        var t = e / (e + Vector128.Create(2f));
        var signed = (t.AsInt32() | (x.AsInt32() & Vector128.Create(SignBit))).AsSingle();
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);
    }

    /// <summary>cap · tanh(x / cap) of every value in place, as transformers' soft-cap computes it in float32 (a true
    /// division by the float cap, then the tanh, then the product): 8 lanes, 4 lanes or one at a time, the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftCap(Span<float> values, float cap)
    {
        int i = 0;
        ref float start = ref MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated)
        {
            var by = Vector256.Create(cap);
            for (; i + 8 <= values.Length; i += 8)
                (Tanh(Vector256.LoadUnsafe(ref start, (nuint)i) / by) * by).StoreUnsafe(ref start, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var by = Vector128.Create(cap);
            for (; i + 4 <= values.Length; i += 4)
                (Tanh(Vector128.LoadUnsafe(ref start, (nuint)i) / by) * by).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = Tanh(values[i] / cap) * cap;
    }
}
