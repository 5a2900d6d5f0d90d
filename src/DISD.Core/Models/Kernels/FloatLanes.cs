using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DISD.Models.Kernels;

/// <summary>
/// One vector register of float lanes, for the kernels' generic loop bodies: the JIT compiles a body once per lane
/// type with every call inlined, so one source serves 512-, 256- and 128-bit vectors. The kernels vectorise only
/// across independent outputs, never along a sum, so an output's value does not depend on the lane count.
/// <see cref="MultiplyAdd"/> is fused (one rounding) on every path: in hardware where the CPU has FMA, in .NET's
/// software fallback elsewhere.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Load(float* source);

    static abstract TSelf Broadcast(float value);

    /// <summary><c>a · b + addend</c> rounded once.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf addend);

    void Store(float* destination);
}

internal readonly unsafe struct Lanes512(Vector512<float> value) : IFloatLanes<Lanes512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 addend) =>
        new(Vector512.FusedMultiplyAdd(a._value, b._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => _value.Store(destination);
}

internal readonly unsafe struct Lanes256(Vector256<float> value) : IFloatLanes<Lanes256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 addend) =>
        new(Vector256.FusedMultiplyAdd(a._value, b._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => _value.Store(destination);
}

internal readonly unsafe struct Lanes128(Vector128<float> value) : IFloatLanes<Lanes128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(float* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 MultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 addend) =>
        new(Vector128.FusedMultiplyAdd(a._value, b._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float* destination) => _value.Store(destination);
}
