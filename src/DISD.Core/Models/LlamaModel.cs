using DISD.Runtime;
using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Llama (transformers' modeling_llama): pre-norm decoder with two RMSNorms per layer, GQA with RoPE (default, linear
/// or llama3 frequency scaling), SiLU gated MLP; optional attention and MLP biases; tied or separate lm_head.
/// </summary>
public sealed class LlamaModel : CausalLanguageModel
{
    private sealed record Layer(
        Tensor InputNorm, Projection Qkv, Projection Output, Tensor PostAttentionNorm, Projection GateUp, Projection Down);

    private readonly LlamaConfig _config;
    private readonly Layer[] _layers;
    private readonly Tensor _finalNorm;
    private readonly Projection _lmHead;
    private readonly RotaryEmbedding _rope;

    internal LlamaModel(string name, LlamaConfig config, ModelWeights weights)
        : base(name, config.VocabSize, config.EosTokenIds, weights.Devices(config.NumLayers), weights.DType, config.NumLayers, config.NumKvHeads, config.HeadDim)
    {
        _config = config;
        long hidden = config.HiddenSize, inner = config.IntermediateSize;
        long qRows = config.NumHeads * config.HeadDim, kvRows = config.NumKvHeads * config.HeadDim;
        OwnEmbedding(weights.Load("embed_tokens.weight", config.VocabSize, hidden));
        _layers = new Layer[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"layers.{i}.";
            Tensor? Fused(bool present, string suffix, params (string Name, long Rows)[] parts) =>
                present ? weights.LoadConcatenated(parts.Select(x => (p + x.Name + suffix, suffix == ".weight" ? new[] { x.Rows, hidden } : [x.Rows])).ToList()) : null;
            Tensor? Bias(bool present, string n, long rows) => present ? weights.Load(p + n + ".bias", rows) : null;
            _layers[i] = new Layer(
                InputNorm: Own(weights.Load(p + "input_layernorm.weight", hidden)),
                Qkv: ProjectionOf(
                    Fused(true, ".weight", ("self_attn.q_proj", qRows), ("self_attn.k_proj", kvRows), ("self_attn.v_proj", kvRows))!,
                    Fused(config.AttentionBias, ".bias", ("self_attn.q_proj", qRows), ("self_attn.k_proj", kvRows), ("self_attn.v_proj", kvRows))),
                Output: ProjectionOf(weights.Load(p + "self_attn.o_proj.weight", hidden, qRows), Bias(config.AttentionBias, "self_attn.o_proj", hidden)),
                PostAttentionNorm: Own(weights.Load(p + "post_attention_layernorm.weight", hidden)),
                GateUp: ProjectionOf(
                    Fused(true, ".weight", ("mlp.gate_proj", inner), ("mlp.up_proj", inner))!,
                    Fused(config.MlpBias, ".bias", ("mlp.gate_proj", inner), ("mlp.up_proj", inner))),
                Down: ProjectionOf(weights.Load(p + "mlp.down_proj.weight", hidden, inner), Bias(config.MlpBias, "mlp.down_proj", hidden)));
        }
        _finalNorm = Own(weights.Load("norm.weight", hidden));
        _lmHead = config.TieWordEmbeddings ? TiedHeadProjection() : ProjectionOf(weights.LoadLmHead(config.VocabSize, hidden));
        _rope = new RotaryEmbedding(config.Rope, config.HeadDim, Device);
    }

    protected override Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout)
    {
        var (cos, sin) = _rope.Table(layout, DType);
        var window = AttentionWindow.Create(layout, null, DType, Device);
        var hidden = Embed(ids);
        for (int i = 0; i < _layers.Length; i++)
        {
            if (LayerDevice(i) is var device && !IsOn(hidden, device))
            {
                (hidden, cos, sin, window) = (hidden.to(device), cos.to(device), sin.to(device), window.To(device));
            }
            using var layerScope = torch.NewDisposeScope();
            hidden = DecoderLayer(_layers[i], i, hidden, cos, sin, window, cache).MoveToOuterDisposeScope();
        }
        return Linear.Apply(RmsNorm.Llama(ToHead(hidden), _finalNorm, _config.RmsNormEps), _lmHead);
    }

    private Tensor DecoderLayer(Layer layer, int index, Tensor hidden, Tensor cos, Tensor sin, AttentionWindow window, KvCache cache)
    {
        double eps = _config.RmsNormEps;
        hidden = hidden.add(SelfAttention(layer, index, RmsNorm.Llama(hidden, layer.InputNorm, eps), cos, sin, window, cache), Scalars.One);
        var normed = RmsNorm.Llama(hidden, layer.PostAttentionNorm, eps);
        return hidden.add_(FeedForward.Gated(normed, layer.GateUp, layer.Down, _config.Activation), Scalars.One);
    }

    private Tensor SelfAttention(Layer layer, int index, Tensor x, Tensor cos, Tensor sin, AttentionWindow window, KvCache cache)
    {
        var (qk, v) = Attention.SplitQueryKeyValue(Linear.Apply(x, layer.Qkv), _config.NumHeads, _config.NumKvHeads, _config.HeadDim);
        var (q, k) = Attention.SplitQueryKey(RotaryEmbedding.Apply(qk, cos, sin), _config.NumHeads, _config.NumKvHeads);
        var (keys, values) = cache.Write(index, k, v, window.FirstKey);
        var attended = Attention.Attend(q, keys, values, window.Mask, Math.Pow(_config.HeadDim, -0.5), softcap: null);
        return Linear.Apply(attended, layer.Output);
    }

    protected override void DisposeExtras() => _rope.Dispose();
}
