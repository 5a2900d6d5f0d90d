using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DISD.Decoding;

/// <summary>Finiteness checks of float32 rows in host memory, one pass each (x − x is 0 exactly when x is finite).</summary>
internal static unsafe class HostFiniteness
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(float* values, long count)
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<float>.Zero;
            for (; i + 8 <= count; i += 8)
            {
                var x = Vector256.Load(values + i);
                if (!Vector256.EqualsAll(x - x, zero))
                    return false;
            }
        }
        for (; i < count; i++)
        {
            if (!float.IsFinite(values[i]))
                return false;
        }
        return true;
    }

    /// <summary>True when every row of [rows, vocab] holds only finite values and −∞, and at least one finite value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool SoftmaxIsFinite(float* values, int rows, int vocab)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = values + (long)r * vocab;
            bool anyFinite = false;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var zero = Vector256<float>.Zero;
                var negativeInfinity = Vector256.Create(float.NegativeInfinity);
                var seenFinite = Vector256<float>.Zero;
                for (; i + 8 <= vocab; i += 8)
                {
                    var x = Vector256.Load(row + i);
                    var isFinite = Vector256.Equals(x - x, zero);
                    if ((isFinite | Vector256.Equals(x, negativeInfinity)).ExtractMostSignificantBits() != 0xFF)
                        return false;
                    seenFinite |= isFinite;
                }
                anyFinite = seenFinite.ExtractMostSignificantBits() != 0;
            }
            for (; i < vocab; i++)
            {
                float x = row[i];
                if (float.IsFinite(x))
                    anyFinite = true;
                else if (!float.IsNegativeInfinity(x))
                    return false;
            }
            if (!anyFinite)
                return false;
        }
        return true;
    }
}
