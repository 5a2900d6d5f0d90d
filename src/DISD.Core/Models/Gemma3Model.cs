using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Gemma-3 text decoder (transformers' modeling_gemma3): Gemma-2's decoder with (1+w) RMSNorms on queries and keys
/// per head, sliding layers with a local RoPE base and full-attention layers with a global one, and no soft-capping
/// unless the config asks for it. Multimodal checkpoints' language_model weights load too.
/// </summary>
public sealed class Gemma3Model : DecoderModel
{
    internal Gemma3Model(string name, Gemma3Config config, ModelWeights weights)
        : base(name, config, weights, Gemma2Model.Family(config, config.GlobalRope, config.LocalRope, layer => new Gemma3Attention(layer, config)))
    {
    }
}

/// <summary>transformers' Gemma3Attention: Gemma-2's attention with queries and keys RMS-normed per head before RoPE.</summary>
internal sealed class Gemma3Attention : SelfAttention
{
    private readonly NormLayer _queryNorm;
    private readonly NormLayer _keyNorm;

    public Gemma3Attention(LayerWeights weights, GemmaConfig config)
        : base(weights, config, Gemma2Model.AttentionScale(config), config.AttnLogitSoftcapping)
    {
        _queryNorm = weights.Norm("self_attn.q_norm", config.HeadDim);
        _keyNorm = weights.Norm("self_attn.k_norm", config.HeadDim);
    }

    /// <summary>The norms sit between the projection and RoPE, so queries and keys rotate separately.</summary>
    protected override (Tensor Q, Tensor K, Tensor V) RotatedHeads(Tensor qkv, Tensor cos, Tensor sin)
    {
        var (q, k, v) = Attention.SplitHeads(qkv, Heads, KvHeads, HeadDim);
        return (RotaryEmbedding.Apply(_queryNorm.Apply(q), cos, sin), RotaryEmbedding.Apply(_keyNorm.Apply(k), cos, sin), v);
    }
}
