using DISD.Runtime;
using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Gemma-2 (transformers' modeling_gemma2): scaled embeddings, four (1+w) RMSNorms per layer, alternating sliding /
/// full attention with soft-capped scores scaled by query_pre_attn_scalar^−½, gelu-tanh gated MLP, soft-capped logits.
/// </summary>
public sealed class Gemma2Model : CausalLanguageModel
{
    private sealed record Layer(
        Tensor InputNorm, Projection Qkv, Projection Output, Tensor PostAttentionNorm,
        Tensor PreFeedforwardNorm, Projection GateUp, Projection Down, Tensor PostFeedforwardNorm, bool Sliding);

    private readonly Gemma2Config _config;
    private readonly Tensor _embeddingScale;
    private readonly Layer[] _layers;
    private readonly Tensor _finalNorm;
    private readonly Projection _lmHead;
    private readonly RotaryEmbedding _rope;

    internal Gemma2Model(string name, Gemma2Config config, ModelWeights weights)
        : base(name, config.VocabSize, config.EosTokenIds, weights.Devices(config.NumLayers), weights.DType, config.NumLayers, config.NumKvHeads, config.HeadDim)
    {
        _config = config;
        long hidden = config.HiddenSize, inner = config.IntermediateSize, headDim = config.HeadDim;
        long qRows = config.NumHeads * headDim, kvRows = config.NumKvHeads * headDim;
        OwnEmbedding(weights.Load("embed_tokens.weight", config.VocabSize, hidden));
        // transformers rounds √hidden to the activation dtype before multiplying.
        _embeddingScale = Own(torch.tensor(Math.Sqrt(hidden), DType, Device));
        _layers = new Layer[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"layers.{i}.";
            Tensor Norm(string n) => Own(RmsNorm.LoadGemmaScale(weights, p + n + ".weight", hidden));
            _layers[i] = new Layer(
                InputNorm: Norm("input_layernorm"),
                Qkv: ProjectionOf(weights.LoadConcatenated([
                    (p + "self_attn.q_proj.weight", [qRows, hidden]),
                    (p + "self_attn.k_proj.weight", [kvRows, hidden]),
                    (p + "self_attn.v_proj.weight", [kvRows, hidden])])),
                Output: ProjectionOf(weights.Load(p + "self_attn.o_proj.weight", hidden, qRows)),
                PostAttentionNorm: Norm("post_attention_layernorm"),
                PreFeedforwardNorm: Norm("pre_feedforward_layernorm"),
                GateUp: ProjectionOf(weights.LoadConcatenated([
                    (p + "mlp.gate_proj.weight", [inner, hidden]),
                    (p + "mlp.up_proj.weight", [inner, hidden])])),
                Down: ProjectionOf(weights.Load(p + "mlp.down_proj.weight", hidden, inner)),
                PostFeedforwardNorm: Norm("post_feedforward_layernorm"),
                Sliding: config.SlidingLayers[i]);
        }
        _finalNorm = Own(RmsNorm.LoadGemmaScale(weights, "norm.weight", hidden));
        _lmHead = config.TieWordEmbeddings || !weights.HasLmHead ? TiedHeadProjection() : ProjectionOf(weights.LoadLmHead(config.VocabSize, hidden));
        _rope = new RotaryEmbedding(config.Rope, config.HeadDim, Device);
    }

    protected override Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout)
    {
        var (cos, sin) = _rope.Table(layout, DType);
        var full = AttentionWindow.Create(layout, null, DType, Device);
        var sliding = AttentionWindow.Create(layout, _config.SlidingWindow, DType, Device);
        var hidden = Embed(ids).mul_(_embeddingScale);
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
        var logits = Linear.Apply(RmsNorm.Gemma(ToHead(hidden), _finalNorm, _config.RmsNormEps), _lmHead);
        return _config.FinalLogitSoftcapping is double cap ? Attention.SoftCap(logits, cap) : logits;
    }

    private Tensor DecoderLayer(Layer layer, int index, Tensor hidden, Tensor cos, Tensor sin, AttentionWindow window, KvCache cache)
    {
        double eps = _config.RmsNormEps;
        var attended = SelfAttention(layer, index, RmsNorm.Gemma(hidden, layer.InputNorm, eps), cos, sin, window, cache);
        hidden = hidden.add(RmsNorm.Gemma(attended, layer.PostAttentionNorm, eps), Scalars.One);
        var fed = FeedForward.Gated(RmsNorm.Gemma(hidden, layer.PreFeedforwardNorm, eps), layer.GateUp, layer.Down, _config.Activation);
        return hidden.add_(RmsNorm.Gemma(fed, layer.PostFeedforwardNorm, eps), Scalars.One);
    }

    private Tensor SelfAttention(Layer layer, int index, Tensor x, Tensor cos, Tensor sin, AttentionWindow window, KvCache cache)
    {
        var (qk, v) = Attention.SplitQueryKeyValue(Linear.Apply(x, layer.Qkv), _config.NumHeads, _config.NumKvHeads, _config.HeadDim);
        var (q, k) = Attention.SplitQueryKey(RotaryEmbedding.Apply(qk, cos, sin), _config.NumHeads, _config.NumKvHeads);
        var (keys, values) = cache.Write(index, k, v, window.FirstKey);
        double scale = Math.Pow(_config.QueryPreAttnScalar, -0.5);
        var attended = Attention.Attend(q, keys, values, window.Mask, scale, _config.AttnLogitSoftcapping);
        return Linear.Apply(attended, layer.Output);
    }

    protected override void DisposeExtras() => _rope.Dispose();
}
