using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DISD.Couplings;

/// <summary>
/// The natural logarithm of positive normal doubles with the same bits on every x86-64 CPU, vector width and thread
/// count, for the Gumbel transform of the public uniforms on the CPU. Written here because neither library at hand
/// promises that: libtorch's float64 log goes to MKL's VML, which picks a code path by CPU, and .NET's
/// <c>Vector256.Log</c> uses <c>MultiplyAddEstimate</c>, fused on FMA hardware and not elsewhere. This is the same
/// algorithm as .NET's (AOCL-LibM's <c>vrd2_log</c>: x = 2ⁿ·m with m ∈ [2/3, 4/3], log1p(m − 1) by a degree-20
/// polynomial) with every multiply-add fused explicitly: <see cref="Math.FusedMultiplyAdd"/> and
/// <see cref="Vector256.FusedMultiplyAdd{T}"/> are exactly rounded in hardware and in .NET's software fallback alike,
/// so the scalar and vector forms agree bit for bit. Accuracy against <see cref="Math.Log"/> is tested.
/// </summary>
internal static class PortableLog
{
    private const ulong MantissaMask = 0x000FFFFF_FFFFFFFF;
    private const ulong TwoThirdsBits = 0x3FE55555_55555555;
    private const double Ln2Head = 0.693359375;
    private const double Ln2Tail = -0.00021219444005469057;

    private const double C02 = -0.499999999999999560, C03 = +0.333333333333414750, C04 = -0.250000000000297430;
    private const double C05 = +0.199999999975985220, C06 = -0.166666666608919500, C07 = +0.142857145600277100;
    private const double C08 = -0.125000005127831270, C09 = +0.111110952357159440, C10 = -0.099999750495501240;
    private const double C11 = +0.090914349823462390, C12 = -0.083340600527551860, C13 = +0.076817603328311300;
    private const double C14 = -0.071296718946287310, C15 = +0.067963465211535730, C16 = -0.063995035098960040;
    private const double C17 = +0.049370587082412105, C18 = -0.045370170994891980, C19 = +0.088970636003577750;
    private const double C20 = -0.086906174116908760;

    /// <summary>log x for a positive normal finite x (the caller guarantees the domain; nothing else is handled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x)
    {
        ulong reduced = BitConverter.DoubleToUInt64Bits(x) - TwoThirdsBits;
        double n = (long)reduced >> 52;
        double r = BitConverter.UInt64BitsToDouble((reduced & MantissaMask) + TwoThirdsBits) - 1.0;
        double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4, r16 = r8 * r8;
        double high = Fma(r16, Fma(C20, r4, Fma(Fma(C19, r, C18), r2, Fma(C17, r, C16))),
            Fma(r8, Fma(r4, Fma(Fma(C15, r, C14), r2, Fma(C13, r, C12)), Fma(Fma(C11, r, C10), r2, Fma(C09, r, C08))),
                Fma(r4, Fma(Fma(C07, r, C06), r2, Fma(C05, r, C04)), Fma(Fma(C03, r, C02), r2, r))));
        return Fma(n, Ln2Head, Fma(n, Ln2Tail, high));
    }

    /// <summary><see cref="Log(double)"/> on four lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        var reduced = x.AsUInt64() - Vector256.Create(TwoThirdsBits);
        var n = Vector256.ConvertToDouble(Vector256.ShiftRightArithmetic(reduced.AsInt64(), 52));
        var r = ((reduced & Vector256.Create(MantissaMask)) + Vector256.Create(TwoThirdsBits)).AsDouble() - Vector256<double>.One;
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var r16 = r8 * r8;
        var high = Fma(r16, Fma(V(C20), r4, Fma(Fma(V(C19), r, V(C18)), r2, Fma(V(C17), r, V(C16)))),
            Fma(r8, Fma(r4, Fma(Fma(V(C15), r, V(C14)), r2, Fma(V(C13), r, V(C12))), Fma(Fma(V(C11), r, V(C10)), r2, Fma(V(C09), r, V(C08)))),
                Fma(r4, Fma(Fma(V(C07), r, V(C06)), r2, Fma(V(C05), r, V(C04))), Fma(Fma(V(C03), r, V(C02)), r2, r))));
        return Fma(n, V(Ln2Head), Fma(n, V(Ln2Tail), high));
    }

    /// <summary>The Gumbel value −log(−log u) of a uniform u ∈ (0, 1) of the public randomness.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Gumbel(double u) => -Log(-Log(u));

    /// <summary><see cref="Gumbel(double)"/> on four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Gumbel(Vector256<double> u) => -Log(-Log(u));

    private static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    private static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);

    private static Vector256<double> V(double value) => Vector256.Create(value);
}
