using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Llama (transformers' modeling_llama): pre-norm decoder with two RMSNorms per layer, GQA with RoPE (default, linear
/// or llama3 frequency scaling), SiLU gated MLP; optional attention and MLP biases; tied or separate lm_head.
/// </summary>
public sealed class LlamaModel : DecoderModel
{
    internal LlamaModel(string name, LlamaConfig config, ModelWeights weights)
        : base(name, config, weights, Family(config, config.Rope, qkvBias: config.AttentionBias, outputBias: config.AttentionBias, mlpBias: config.MlpBias))
    {
    }

    /// <summary>The Llama decoder, which Qwen2 shares with its own biases and sliding layers.</summary>
    internal static DecoderFamily Family(DecoderConfig config, RopeSettings rope, bool qkvBias, bool outputBias, bool mlpBias) => new(
        Norm: RmsNormStyle.Llama,
        Rope: rope,
        Layer: layer => new LlamaDecoderLayer(
            layer,
            config,
            new SelfAttention(layer, config, qkvBias: qkvBias, outputBias: outputBias),
            new GatedMlp(layer, config, mlpBias)));
}

/// <summary>
/// transformers' LlamaDecoderLayer: <c>h = x + attention(norm(x))</c>, then <c>h + mlp(norm(h))</c>, with Llama's
/// RMSNorm. Qwen2's layer is this one.
/// </summary>
internal sealed class LlamaDecoderLayer : DecoderLayer
{
    private readonly NormLayer _inputNorm;
    private readonly SelfAttention _attention;
    private readonly NormLayer _postAttentionNorm;
    private readonly GatedMlp _mlp;

    public LlamaDecoderLayer(LayerWeights weights, DecoderConfig config, SelfAttention attention, GatedMlp mlp)
    {
        _inputNorm = weights.Norm("input_layernorm", config.HiddenSize);
        _attention = attention;
        _postAttentionNorm = weights.Norm("post_attention_layernorm", config.HiddenSize);
        _mlp = mlp;
    }

    public override Tensor Forward(Tensor hidden, LayerInputs inputs, KvCache cache)
    {
        hidden = Residual(hidden, _attention.Forward(_inputNorm.Apply(hidden), inputs, cache));
        return ResidualInPlace(hidden, _mlp.Forward(_postAttentionNorm.Apply(hidden)));
    }
}
