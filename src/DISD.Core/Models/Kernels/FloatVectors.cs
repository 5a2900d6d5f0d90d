using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DISD.Models.Kernels;

/// <summary>
/// The element-wise and order-free steps of the kernels' row operations, on 256-bit vectors where .NET accelerates
/// them and one value at a time elsewhere: each result is exactly rounded (or, for the max, exact), so every width
/// gives the same bits. Written here rather than taken from System.Numerics.Tensors' TensorPrimitives, which would do
/// the same, to keep a package out for three loops.
/// </summary>
internal static class FloatVectors
{
    /// <summary>The largest value. The vector form is the CPU's own max (<c>MaxNative</c>: no NaN or signed-zero fix-ups,
    /// which cost a third of the softmax); it can differ from the scalar form only where a value is NaN (then the
    /// softmax row is NaN throughout either way) or where the max is a zero (x − (+0) and x − (−0) differ only for
    /// x = −0, and exp gives 1 for both), so the softmax's bits do not depend on the form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            var lanes = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= values.Length; i += 8)
                lanes = Vector256.MaxNative(lanes, Vector256.LoadUnsafe(ref start, (nuint)i));
            for (int lane = 0; lane < 8; lane++)
                max = Math.Max(max, lanes.GetElement(lane));
        }
        for (; i < values.Length; i++)
            max = Math.Max(max, values[i]);
        return max;
    }

    /// <summary>Each value minus <paramref name="amount"/>, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(Span<float> values, float amount)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var by = Vector256.Create(amount);
            for (; i + 8 <= values.Length; i += 8)
                (Vector256.LoadUnsafe(ref start, (nuint)i) - by).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] -= amount;
    }

    /// <summary>Each value times <paramref name="factor"/>, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> values, float factor)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var by = Vector256.Create(factor);
            for (; i + 8 <= values.Length; i += 8)
                (Vector256.LoadUnsafe(ref start, (nuint)i) * by).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] *= factor;
    }

    /// <summary><c>a · b + c</c> rounded once, with <paramref name="c"/> broadcast: the polynomial steps of
    /// <see cref="PortableExp"/> and <see cref="PortableTanh"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, float c) =>
        Vector256.FusedMultiplyAdd(a, b, Vector256.Create(c));

    /// <summary>As <see cref="Fma(Vector256{float}, Vector256{float}, float)"/> on four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, float c) =>
        Vector128.FusedMultiplyAdd(a, b, Vector128.Create(c));
}
