using System.Runtime.CompilerServices;

namespace DISD.Models.Kernels;

/// <summary>
/// sin and cos of float32 angles, rounded to float32 from a double evaluation, with the same bits on every CPU: for the
/// rotary tables (<see cref="Layers.RotaryEmbedding"/>). Written here because libtorch's float sin/cos on a contiguous
/// CPU tensor are MKL's VML <c>vmsSin</c>/<c>vmsCos</c> (ATen's <c>vml::vsin</c>/<c>vcos</c>), whose kernel MKL picks
/// by CPU whatever ATEN_CPU_CAPABILITY says, and .NET's <see cref="Math.Sin(double)"/> calls the C library's, which
/// glibc builds with and without FMA and picks per CPU. Every step here is an exactly rounded double operation
/// (<see cref="Math.FusedMultiplyAdd"/> is fused in hardware and in .NET's software fallback alike).
/// <para>x = n·π/2 + r with n = round(x·2/π) and r reduced in three fused steps against π/2 split into 33 + 20 + 53
/// bits (exact enough for |x| &lt; 2³⁰, far beyond any rotary angle: positions are below 2²⁴ and frequencies at most 1);
/// sin r and cos r on |r| ≤ π/4 by their Taylor polynomials to r¹⁹/19! and r¹⁸/18! (truncation below 10⁻¹⁹), then the
/// quadrant. The double result is within a few double ulps, so its float rounding is the correctly rounded float except
/// where the exact value lies within about 2⁻⁵⁰ relative of a float midpoint.</para>
/// </summary>
internal static class PortableSinCos
{
    private const double TwoOverPi = 0.63661977236758134308;
    // π/2 as double is 0x3FF921FB54442D18; its first 33 significant bits, the remaining 20, and the double nearest to
    // π/2 minus that double (6.123233995736766e-17).
    private const double HalfPiHigh = 1.5707963267341256;
    private const double HalfPiMiddle = 6.077094383272197e-11;
    private const double HalfPiLow = 6.123233995736766e-17;

    private const double S1 = -1.0 / 6, S2 = 1.0 / 120, S3 = -1.0 / 5040, S4 = 1.0 / 362880, S5 = -1.0 / 39916800,
        S6 = 1.0 / 6227020800, S7 = -1.0 / 1307674368000, S8 = 1.0 / 355687428096000, S9 = -1.0 / 121645100408832000;
    private const double C1 = -1.0 / 2, C2 = 1.0 / 24, C3 = -1.0 / 720, C4 = 1.0 / 40320, C5 = -1.0 / 3628800,
        C6 = 1.0 / 479001600, C7 = -1.0 / 87178291200, C8 = 1.0 / 20922789888000, C9 = -1.0 / 6402373705728000;

    /// <summary>(sin x, cos x) rounded to float32; NaN for a non-finite x.</summary>
    public static (float Sin, float Cos) SinCos(float x)
    {
        if (!float.IsFinite(x))
            return (float.NaN, float.NaN);
        if (x == 0)
            return (x, 1f);   // keeps sin −0 = −0, which the reduction's 0 − 0 would turn into +0
        double n = Math.Round(x * TwoOverPi, MidpointRounding.ToEven);
        double r = Math.FusedMultiplyAdd(-n, HalfPiHigh, x);
        r = Math.FusedMultiplyAdd(-n, HalfPiMiddle, r);
        r = Math.FusedMultiplyAdd(-n, HalfPiLow, r);
        double z = r * r;
        double sin = Math.FusedMultiplyAdd(r * z, Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(S9, z, S8), z, S7), z, S6), z, S5), z, S4), z, S3), z, S2), z, S1), r);
        double cos = Math.FusedMultiplyAdd(z, Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(C9, z, C8), z, C7), z, C6), z, C5), z, C4), z, C3), z, C2), z, C1), 1.0);
        return ((long)n & 3) switch
        {
            0 => ((float)sin, (float)cos),
            1 => ((float)cos, (float)-sin),
            2 => ((float)-sin, (float)-cos),
            _ => ((float)-cos, (float)sin),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}
