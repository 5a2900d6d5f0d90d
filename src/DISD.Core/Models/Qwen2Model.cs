using DISD.Runtime;
using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Qwen2 (transformers' modeling_qwen2): Llama's layer with biases on the q, k and v projections, and sliding-window
/// attention on the layers the config marks (only with use_sliding_window).
/// </summary>
public sealed class Qwen2Model : CausalLanguageModel
{
    private sealed record Layer(
        Tensor InputNorm, Projection Qkv, Projection Output, Tensor PostAttentionNorm, Projection GateUp, Projection Down, bool Sliding);

    private readonly Qwen2Config _config;
    private readonly Layer[] _layers;
    private readonly Tensor _finalNorm;
    private readonly Projection _lmHead;
    private readonly RotaryEmbedding _rope;

    internal Qwen2Model(string name, Qwen2Config config, ModelWeights weights)
        : base(name, config.VocabSize, config.EosTokenIds, weights.Devices(config.NumLayers), weights.DType, config.NumLayers, config.NumKvHeads, config.HeadDim)
    {
        _config = config;
        long hidden = config.HiddenSize, inner = config.IntermediateSize;
        long qRows = config.NumHeads * config.HeadDim, kvRows = config.NumKvHeads * config.HeadDim;
        OwnEmbedding(weights.Load("embed_tokens.weight", config.VocabSize, hidden));
        _layers = new Layer[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"layers.{i}.self_attn.", m = $"layers.{i}.mlp.";
            _layers[i] = new Layer(
                InputNorm: Own(weights.Load($"layers.{i}.input_layernorm.weight", hidden)),
                Qkv: ProjectionOf(
                    weights.LoadConcatenated([
                        (p + "q_proj.weight", [qRows, hidden]), (p + "k_proj.weight", [kvRows, hidden]), (p + "v_proj.weight", [kvRows, hidden])]),
                    weights.LoadConcatenated([(p + "q_proj.bias", [qRows]), (p + "k_proj.bias", [kvRows]), (p + "v_proj.bias", [kvRows])])),
                Output: ProjectionOf(weights.Load(p + "o_proj.weight", hidden, qRows)),
                PostAttentionNorm: Own(weights.Load($"layers.{i}.post_attention_layernorm.weight", hidden)),
                GateUp: ProjectionOf(weights.LoadConcatenated([(m + "gate_proj.weight", [inner, hidden]), (m + "up_proj.weight", [inner, hidden])])),
                Down: ProjectionOf(weights.Load(m + "down_proj.weight", hidden, inner)),
                Sliding: config.SlidingLayers[i]);
        }
        _finalNorm = Own(weights.Load("norm.weight", hidden));
        _lmHead = config.TieWordEmbeddings ? TiedHeadProjection() : ProjectionOf(weights.LoadLmHead(config.VocabSize, hidden));
        _rope = new RotaryEmbedding(config.Rope, config.HeadDim, Device);
    }

    protected override Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout)
    {
        var (cos, sin) = _rope.Table(layout, DType);
        var full = AttentionWindow.Create(layout, null, DType, Device);
        var sliding = _config.SlidingWindow is int w ? AttentionWindow.Create(layout, w, DType, Device) : full;
        var hidden = Embed(ids);
        for (int i = 0; i < _layers.Length; i++)
        {
            if (LayerDevice(i) is var device && !IsOn(hidden, device))
            {
                (hidden, cos, sin, full, sliding) = (hidden.to(device), cos.to(device), sin.to(device), full.To(device), sliding.To(device));
            }
            using var layerScope = torch.NewDisposeScope();
            var layer = _layers[i];
            hidden = DecoderLayer(layer, i, hidden, cos, sin, layer.Sliding ? sliding : full, cache).MoveToOuterDisposeScope();
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
