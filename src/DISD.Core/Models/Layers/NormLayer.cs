using DISD.Models.Loading;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>Which of transformers' RMSNorms a family uses for every norm of its model (see <see cref="RmsNorm"/>).</summary>
internal enum RmsNormStyle
{
    /// <summary>LlamaRMSNorm (Llama, Qwen2): <c>w · cast(x̂)</c>.</summary>
    Llama,

    /// <summary>Gemma2RMSNorm / Gemma3RMSNorm: <c>x̂ · (1 + w)</c> in float32.</summary>
    Gemma,
}

/// <summary>One RMSNorm of a model: its weight as <see cref="RmsNorm"/> applies it, its epsilon and its style.</summary>
internal sealed class NormLayer(Tensor weight, double eps, RmsNormStyle style)
{
    public Tensor Apply(Tensor x) => style == RmsNormStyle.Gemma ? RmsNorm.Gemma(x, weight, eps) : RmsNorm.Llama(x, weight, eps);

    /// <summary>The weight <paramref name="name"/> as <paramref name="style"/> applies it: w in the compute dtype, or Gemma's float32 <c>1 + w</c>.</summary>
    public static Tensor LoadWeight(ModelWeights weights, string name, long size, RmsNormStyle style) =>
        style == RmsNormStyle.Gemma ? RmsNorm.LoadGemmaScale(weights, name, size) : weights.Load(name, size);
}
