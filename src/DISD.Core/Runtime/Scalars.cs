using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Runtime;

/// <summary>
/// The one place that makes TorchSharp Scalars. A Scalar owns a native c10::Scalar that only its finalizer frees (no
/// DisposeScope tracks it), and TorchSharp passes its raw handle to libtorch: a Scalar made by an implicit conversion
/// (<c>x.mul(2.0)</c>, <c>clamp_min(0.0)</c>) or inside TorchSharp (the alpha of 1 in <c>add(Tensor)</c>,
/// <c>add(Scalar)</c>, <c>sub</c>, the step of <c>arange(start, stop)</c>, <c>square()</c>) is garbage as soon as its
/// handle is read, so a collection triggered by another thread during the native call lets the finalizer thread free
/// it while libtorch reads it: wrong numbers, "Unknown scalar type" or <c>toFloat</c> errors, crashes. Constants
/// therefore come from caches that keep them alive for the process (<see cref="Of(double)"/>, <see cref="Of(long)"/>,
/// <see cref="One"/>); values that change from call to call come from <see cref="Temporary"/> into a <c>using var</c>,
/// which keeps the Scalar alive until its Dispose. Kinds matter for bit-identical results: a C# double converts to a
/// float64 Scalar, an int or long to an int64 one (c10 stores both integer kinds as int64, and float as double).
/// ScalarLifetimeGuardTests reads the IL of src/ to keep every other Scalar out.
/// </summary>
public static class Scalars
{
    private static readonly ConcurrentDictionary<long, Scalar> Float64Cache = new();
    private static readonly ConcurrentDictionary<long, Scalar> Int64Cache = new();
    private static readonly ConcurrentDictionary<double, Tensor> TensorCache = new();

    /// <summary>The int64 Scalar 1: the alpha TorchSharp passes for add/sub without one, and arange's default step.</summary>
    public static Scalar One { get; } = Of(1L);

    /// <summary>The float64 Scalar −∞ (the fill of truncated and masked logits).</summary>
    public static Scalar NegativeInfinity { get; } = Of(double.NegativeInfinity);

    /// <summary>
    /// A float64 Scalar of <paramref name="value"/>, made once and kept (keyed by its bits, so −0.0 stays −0.0).
    /// For constants and per-model settings; values with many distinct values per run go through <see cref="Temporary"/>.
    /// </summary>
    public static Scalar Of(double value) =>
        Float64Cache.GetOrAdd(BitConverter.DoubleToInt64Bits(value), bits => BitConverter.Int64BitsToDouble(bits).ToScalar());

    /// <summary>An int64 Scalar of <paramref name="value"/>, made once and kept.</summary>
    public static Scalar Of(long value) => Int64Cache.GetOrAdd(value, v => v.ToScalar());

    /// <summary>A fresh float64 Scalar for one call site; the caller holds it in a <c>using var</c> across the call.</summary>
    public static Scalar Temporary(double value) => value.ToScalar();

    /// <summary>A fresh int64 Scalar for one call site (a position, a count); held in a <c>using var</c> as above.</summary>
    public static Scalar Temporary(long value) => value.ToScalar();

    /// <summary><c>x *= value</c>; float32 operands take the cached float32 tensor, others the Scalar (as before, bit for bit).</summary>
    public static Tensor MulInPlace(Tensor x, double value) =>
        x.dtype == ScalarType.Float32 ? x.mul_(Float32(value)) : x.mul_(Of(value));

    /// <summary><c>x /= value</c>, as <see cref="MulInPlace"/>.</summary>
    public static Tensor DivInPlace(Tensor x, double value) =>
        x.dtype == ScalarType.Float32 ? x.div_(Float32(value)) : x.div_(Of(value));

    /// <summary>
    /// A 0-dim float32 CPU tensor of <paramref name="value"/>: binary kernels read it as a CPU scalar on any device, as
    /// float32, exactly the value a double Scalar becomes for a float32 operand. It also saves libtorch wrapping a
    /// Scalar into a double tensor and casting it on every in-place call. (For bfloat16 operands libtorch rounds a
    /// Scalar differently, so those keep <see cref="Of(double)"/>.)
    /// </summary>
    public static Tensor Float32(double value) => TensorCache.GetOrAdd(value, v =>
    {
        using var inference = torch.inference_mode(false);
        return torch.tensor((float)v, ScalarType.Float32, CPU).DetachFromDisposeScope();
    });
}
