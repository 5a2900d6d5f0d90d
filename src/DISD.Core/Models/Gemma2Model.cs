using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Gemma-2 (transformers' modeling_gemma2): scaled embeddings, four (1+w) RMSNorms per layer, alternating sliding /
/// full attention with soft-capped scores scaled by query_pre_attn_scalar^−½, gelu-tanh gated MLP, soft-capped logits.
/// </summary>
public sealed class Gemma2Model : DecoderModel
{
    internal Gemma2Model(string name, Gemma2Config config, ModelWeights weights)
        : base(name, config, weights, Family(
            config,
            config.Rope,
            slidingRope: null,
            layer => new SelfAttention(layer, config, AttentionScale(config), config.AttnLogitSoftcapping)))
    {
    }

    /// <summary>The Gemma-2 decoder, which Gemma-3 shares with its own attention and a second rope for sliding layers.</summary>
    internal static DecoderFamily Family(
        GemmaConfig config, RopeSettings rope, RopeSettings? slidingRope, Func<LayerWeights, SelfAttention> attention) => new(
        Norm: RmsNormStyle.Gemma,
        Layer: layer => new Gemma2DecoderLayer(layer, config, attention(layer)),
        Rope: rope,
        SlidingLayers: config.SlidingLayers,
        SlidingWindow: config.SlidingWindow,
        SlidingRope: slidingRope,
        ScalesEmbedding: true,
        FinalLogitSoftcapping: config.FinalLogitSoftcapping,
        TiesWithoutHead: true);

    /// <summary>Gemma scales attention scores by query_pre_attn_scalar^−½ rather than head_dim^−½.</summary>
    internal static double AttentionScale(GemmaConfig config) => Math.Pow(config.QueryPreAttnScalar, -0.5);
}

/// <summary>
/// transformers' Gemma2DecoderLayer: "sandwich" norms, each sublayer's output normed again before the residual add:
/// <c>h = x + norm(attention(norm(x)))</c>, then <c>h + norm(mlp(norm(h)))</c>.
/// </summary>
internal sealed class Gemma2DecoderLayer : DecoderLayer
{
    private readonly NormLayer _inputNorm;
    private readonly SelfAttention _attention;
    private readonly NormLayer _postAttentionNorm;
    private readonly NormLayer _preFeedforwardNorm;
    private readonly GatedMlp _mlp;
    private readonly NormLayer _postFeedforwardNorm;

    public Gemma2DecoderLayer(LayerWeights weights, DecoderConfig config, SelfAttention attention)
    {
        long hidden = config.HiddenSize;
        _inputNorm = weights.Norm("input_layernorm", hidden);
        _attention = attention;
        _postAttentionNorm = weights.Norm("post_attention_layernorm", hidden);
        _preFeedforwardNorm = weights.Norm("pre_feedforward_layernorm", hidden);
        _mlp = new GatedMlp(weights, config);
        _postFeedforwardNorm = weights.Norm("post_feedforward_layernorm", hidden);
    }

    public override Tensor Forward(Tensor hidden, LayerInputs inputs, KvCache cache)
    {
        var attended = _attention.Forward(_inputNorm.Apply(hidden), inputs, cache);
        hidden = Residual(hidden, _postAttentionNorm.Apply(attended));
        var fed = _mlp.Forward(_preFeedforwardNorm.Apply(hidden));
        return ResidualInPlace(hidden, _postFeedforwardNorm.Apply(fed));
    }
}
