using DISD.Runtime;
using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// Gemma-3 text decoder (transformers' modeling_gemma3): Gemma-2's layer with (1+w) RMSNorms on queries and keys
/// per head, sliding layers with a local RoPE base and full-attention layers with a global one, and no soft-capping
/// unless the config asks for it. Multimodal checkpoints' language_model weights load too.
/// </summary>
public sealed class Gemma3Model : CausalLanguageModel
{
    private sealed record Layer(
        Tensor InputNorm, Projection Qkv, Tensor QueryNorm, Tensor KeyNorm, Projection Output, Tensor PostAttentionNorm,
        Tensor PreFeedforwardNorm, Projection GateUp, Projection Down, Tensor PostFeedforwardNorm, bool Sliding);

    private readonly Gemma3Config _config;
    private readonly Tensor _embeddingScale;
    private readonly Layer[] _layers;
    private readonly Tensor _finalNorm;
    private readonly Projection _lmHead;
    private readonly RotaryEmbedding _globalRope;
    private readonly RotaryEmbedding _localRope;

    internal Gemma3Model(string name, Gemma3Config config, ModelWeights weights)
        : base(name, config.VocabSize, config.EosTokenIds, weights.Devices(config.NumLayers), weights.DType, config.NumLayers, config.NumKvHeads, config.HeadDim)
    {
        _config = config;
        long hidden = config.HiddenSize, inner = config.IntermediateSize, headDim = config.HeadDim;
        long qRows = config.NumHeads * headDim, kvRows = config.NumKvHeads * headDim;
        OwnEmbedding(weights.Load("embed_tokens.weight", config.VocabSize, hidden));
        _embeddingScale = Own(torch.tensor(Math.Sqrt(hidden), DType, Device));
        _layers = new Layer[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            string p = $"layers.{i}.";
            Tensor Norm(string n, long size) => Own(RmsNorm.LoadGemmaScale(weights, p + n + ".weight", size));
            _layers[i] = new Layer(
                InputNorm: Norm("input_layernorm", hidden),
                Qkv: ProjectionOf(weights.LoadConcatenated([
                    (p + "self_attn.q_proj.weight", [qRows, hidden]),
                    (p + "self_attn.k_proj.weight", [kvRows, hidden]),
                    (p + "self_attn.v_proj.weight", [kvRows, hidden])])),
                QueryNorm: Norm("self_attn.q_norm", headDim),
                KeyNorm: Norm("self_attn.k_norm", headDim),
                Output: ProjectionOf(weights.Load(p + "self_attn.o_proj.weight", hidden, qRows)),
                PostAttentionNorm: Norm("post_attention_layernorm", hidden),
                PreFeedforwardNorm: Norm("pre_feedforward_layernorm", hidden),
                GateUp: ProjectionOf(weights.LoadConcatenated([
                    (p + "mlp.gate_proj.weight", [inner, hidden]),
                    (p + "mlp.up_proj.weight", [inner, hidden])])),
                Down: ProjectionOf(weights.Load(p + "mlp.down_proj.weight", hidden, inner)),
                PostFeedforwardNorm: Norm("post_feedforward_layernorm", hidden),
                Sliding: config.SlidingLayers[i]);
        }
        _finalNorm = Own(RmsNorm.LoadGemmaScale(weights, "norm.weight", hidden));
        _lmHead = config.TieWordEmbeddings || !weights.HasLmHead ? TiedHeadProjection() : ProjectionOf(weights.LoadLmHead(config.VocabSize, hidden));
        _globalRope = new RotaryEmbedding(config.GlobalRope, config.HeadDim, Device);
        _localRope = new RotaryEmbedding(config.LocalRope, config.HeadDim, Device);
    }

    private sealed record Positions(Tensor Cos, Tensor Sin, AttentionWindow Window)
    {
        public Positions To(Device device) => new(Cos.to(device), Sin.to(device), Window.To(device));
    }

    protected override Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout)
    {
        var (globalCos, globalSin) = _globalRope.Table(layout, DType);
        var (localCos, localSin) = _localRope.Table(layout, DType);
        var global = new Positions(globalCos, globalSin, AttentionWindow.Create(layout, null, DType, Device));
        var local = new Positions(localCos, localSin, AttentionWindow.Create(layout, _config.SlidingWindow, DType, Device));
        var hidden = Embed(ids).mul_(_embeddingScale);
        for (int i = 0; i < _layers.Length; i++)
        {
            if (LayerDevice(i) is var device && !IsOn(hidden, device))
            {
                (hidden, global, local) = (hidden.to(device), global.To(device), local.To(device));
            }
            using var layerScope = torch.NewDisposeScope();
            var layer = _layers[i];
            hidden = DecoderLayer(layer, i, hidden, layer.Sliding ? local : global, cache).MoveToOuterDisposeScope();
        }
        var logits = Linear.Apply(RmsNorm.Gemma(ToHead(hidden), _finalNorm, _config.RmsNormEps), _lmHead);
        return _config.FinalLogitSoftcapping is double cap ? Attention.SoftCap(logits, cap) : logits;
    }

    private Tensor DecoderLayer(Layer layer, int index, Tensor hidden, Positions positions, KvCache cache)
    {
        double eps = _config.RmsNormEps;
        var attended = SelfAttention(layer, index, RmsNorm.Gemma(hidden, layer.InputNorm, eps), positions, cache);
        hidden = hidden.add(RmsNorm.Gemma(attended, layer.PostAttentionNorm, eps), Scalars.One);
        var fed = FeedForward.Gated(RmsNorm.Gemma(hidden, layer.PreFeedforwardNorm, eps), layer.GateUp, layer.Down, _config.Activation);
        return hidden.add_(RmsNorm.Gemma(fed, layer.PostFeedforwardNorm, eps), Scalars.One);
    }

    private Tensor SelfAttention(Layer layer, int index, Tensor x, Positions positions, KvCache cache)
    {
        var (q, k, v) = Attention.SplitHeads(Linear.Apply(x, layer.Qkv), _config.NumHeads, _config.NumKvHeads, _config.HeadDim);
        q = RotaryEmbedding.Apply(RmsNorm.Gemma(q, layer.QueryNorm, _config.RmsNormEps), positions.Cos, positions.Sin);
        k = RotaryEmbedding.Apply(RmsNorm.Gemma(k, layer.KeyNorm, _config.RmsNormEps), positions.Cos, positions.Sin);
        var (keys, values) = cache.Write(index, k, v, positions.Window.FirstKey);
        double scale = Math.Pow(_config.QueryPreAttnScalar, -0.5);
        var attended = Attention.Attend(q, keys, values, positions.Window.Mask, scale, _config.AttnLogitSoftcapping);
        return Linear.Apply(attended, layer.Output);
    }

    protected override void DisposeExtras()
    {
        _globalRope.Dispose();
        _localRope.Dispose();
    }
}
