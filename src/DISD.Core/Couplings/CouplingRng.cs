using System.Numerics;
using System.Runtime.CompilerServices;

namespace DISD.Couplings;

/// <summary>xoshiro256** generator (Blackman &amp; Vigna), state seeded by SplitMix64; a mutable struct, pass by ref.</summary>
internal struct CouplingRng
{
    private const double Unit = 1.0 / (1UL << 53);
    private ulong _s0, _s1, _s2, _s3;

    public CouplingRng(ulong seed)
    {
        _s0 = SeedMixer.Mix(seed);
        _s1 = SeedMixer.Mix(seed + 1);
        _s2 = SeedMixer.Mix(seed + 2);
        _s3 = SeedMixer.Mix(seed + 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextUnit() => (NextUInt64() >> 11) * Unit;

    /// <summary>Exp(1): −log of a uniform on (0, 1] (a normal double from 2⁻⁵³ up), by <see cref="PortableLog"/>: .NET's
    /// <see cref="Math.Log"/> is the C library's, which glibc builds with and without FMA and picks per CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextExponential() => -PortableLog.Log(((NextUInt64() >> 11) + 1) * Unit);
}
