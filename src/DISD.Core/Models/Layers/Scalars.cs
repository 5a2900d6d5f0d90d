using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Constants made once per value instead of once per use. TorchSharp turns every double argument of an operator into
/// a native Scalar it creates and frees around the call, and libtorch wraps that Scalar into a double tensor that an
/// in-place operator then casts to the operand's dtype (aten::to → _to_copy → empty_strided + copy_) on every call.
/// </summary>
internal static class Scalars
{
    private static readonly ConcurrentDictionary<double, Scalar> NativeCache = new();
    private static readonly ConcurrentDictionary<double, Tensor> TensorCache = new();

    /// <summary>A native Scalar (for operators whose kernels special-case scalar exponents, such as pow).</summary>
    public static Scalar Native(double value) => NativeCache.GetOrAdd(value, v => v.ToScalar());

    /// <summary><c>x *= value</c>; float32 operands take the cached float32 tensor, others the Scalar (as before, bit for bit).</summary>
    public static Tensor MulInPlace(Tensor x, double value) =>
        x.dtype == ScalarType.Float32 ? x.mul_(Float32(value)) : x.mul_(Native(value));

    /// <summary><c>x /= value</c>, as <see cref="MulInPlace"/>.</summary>
    public static Tensor DivInPlace(Tensor x, double value) =>
        x.dtype == ScalarType.Float32 ? x.div_(Float32(value)) : x.div_(Native(value));

    /// <summary>
    /// A 0-dim float32 CPU tensor of <paramref name="value"/>: binary kernels read it as a CPU scalar on any device, as
    /// float32, exactly the value a double Scalar becomes for a float32 operand. (For bfloat16 operands libtorch rounds
    /// a Scalar differently, so those keep <see cref="Native"/>.)
    /// </summary>
    public static Tensor Float32(double value) => TensorCache.GetOrAdd(value, v =>
    {
        using var inference = torch.inference_mode(false);
        return torch.tensor((float)v, ScalarType.Float32, CPU).DetachFromDisposeScope();
    });
}
