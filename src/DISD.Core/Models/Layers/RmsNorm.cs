using DISD.Runtime;
using DISD.Models.Loading;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>The two RMSNorm variants of transformers, both normalizing in float32 (no cast when already float32).</summary>
public static class RmsNorm
{
    /// <summary>
    /// Gemma: <c>(x̂ · (1 + w))</c> in float32, then cast back. <paramref name="onePlusWeight"/> is <c>1 + w</c> in float32,
    /// precomputed at load time exactly as transformers computes it per call.
    /// </summary>
    public static Tensor Gemma(Tensor x, Tensor onePlusWeight, double eps) =>
        CastTo(Normalize(ToFloat32(x), eps).mul_(onePlusWeight), x.dtype);

    /// <summary>Llama / Qwen2: <c>w · cast(x̂)</c>, the weight applied after casting back to the activation dtype.</summary>
    public static Tensor Llama(Tensor x, Tensor weight, double eps) =>
        CastTo(Normalize(ToFloat32(x), eps), x.dtype).mul_(weight);

    /// <summary>Loads a Gemma norm weight as the float32 <c>1 + w</c> that <see cref="Gemma"/> expects.</summary>
    public static Tensor LoadGemmaScale(ModelWeights weights, string name, long size)
    {
        using var weight = weights.LoadFloat32(name, size);
        return weight.add(Scalars.Of(1.0), Scalars.One);
    }

    /// <summary><paramref name="x"/> in <paramref name="dtype"/>, itself when it already is (no operator call).</summary>
    internal static Tensor CastTo(Tensor x, ScalarType dtype) => x.dtype == dtype ? x : x.to(dtype);

    private static Tensor ToFloat32(Tensor x) => CastTo(x, ScalarType.Float32);

    private static Tensor Normalize(Tensor x32, double eps) =>
        x32.mul(x32.pow(Scalars.Of(2.0)).mean([-1], keepdim: true).add_(Scalars.Float32(eps), Scalars.One).rsqrt_());
}
