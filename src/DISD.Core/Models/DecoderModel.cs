using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// The decoder every family shares, as transformers' XxxModel and XxxForCausalLM run it: the token embedding, the
/// layer loop (each layer on its device and in its own dispose scope), the final norm and the output head, alike for a
/// prefill, a decode block and a token tree (<see cref="BlockLayout"/>). A family states what differs, its layers
/// included, in a <see cref="DecoderFamily"/>.
/// </summary>
public abstract class DecoderModel : CausalLanguageModel
{
    private readonly Tensor? _embeddingScale;
    private readonly DecoderLayer[] _layers;
    private readonly IReadOnlyList<bool> _slidingLayers;
    private readonly int? _slidingWindow;
    private readonly NormLayer _finalNorm;
    private readonly Projection _lmHead;
    private readonly double? _finalLogitSoftcapping;

    // Not private: GoldenModelTests reaches the ropes by reflection on a family's type, which lists a base class's
    // fields only when they are not private.
    private protected readonly RotaryEmbedding _rope;
    private protected readonly RotaryEmbedding _slidingRope;

    private protected DecoderModel(string name, DecoderConfig config, ModelWeights weights, DecoderFamily family)
        : base(
            name, config.VocabSize, config.EosTokenIds, weights.Devices(config.NumLayers), weights.DType,
            config.NumLayers, config.NumKvHeads, config.HeadDim)
    {
        long hidden = config.HiddenSize;
        bool tied = config.TieWordEmbeddings || family.TiesWithoutHead && !weights.HasLmHead;
        // A tied table that will become float32 panels stays in the checkpoint's dtype until it is packed, which widens it
        // on the way: at a 262k vocabulary a float32 copy first was a good part of the load.
        var table = weights.LoadAsStored("embed_tokens.weight", config.VocabSize, hidden);
        OwnEmbedding(tied && PacksTiedHead(table) || table.dtype == DType ? table : table.to(DType, disposeAfter: true));
        // transformers rounds √hidden to the activation dtype before multiplying.
        _embeddingScale = family.ScalesEmbedding ? Own(torch.tensor(Math.Sqrt(hidden), DType, Device)) : null;
        _layers = new DecoderLayer[config.NumLayers];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = family.Layer(new LayerWeights(this, weights, i, family.Norm, config.RmsNormEps));
        }
        _slidingLayers = family.SlidingLayers ?? new bool[config.NumLayers];
        _slidingWindow = _slidingLayers.Any(sliding => sliding) ? family.SlidingWindow : null;
        _finalNorm = new NormLayer(Own(NormLayer.LoadWeight(weights, "norm.weight", hidden, family.Norm)), config.RmsNormEps, family.Norm);
        _lmHead = tied ? TiedHeadProjection() : ProjectionOf(weights.LoadLmHead(config.VocabSize, hidden));
        _finalLogitSoftcapping = family.FinalLogitSoftcapping;
        _rope = new RotaryEmbedding(family.Rope, config.HeadDim, Device);
        _slidingRope = family.SlidingRope is { } slidingRope ? new RotaryEmbedding(slidingRope, config.HeadDim, Device) : _rope;
    }

    protected sealed override Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout)
    {
        var inputs = Inputs(layout);
        var hidden = Embed(ids);
        if (_embeddingScale is not null)
        {
            hidden = hidden.mul_(_embeddingScale);
        }
        for (int i = 0; i < _layers.Length; i++)
        {
            if (LayerDevice(i) is var device && !IsOn(hidden, device))
            {
                (hidden, inputs) = (hidden.to(device), inputs.To(device));
            }
            using var layerScope = torch.NewDisposeScope();
            hidden = _layers[i].Forward(hidden, inputs.For(_slidingLayers[i]), cache).MoveToOuterDisposeScope();
        }
        var logits = Linear.Apply(_finalNorm.Apply(ToHead(hidden)), _lmHead);
        return _finalLogitSoftcapping is double cap ? Attention.SoftCap(logits, cap) : logits;
    }

    /// <summary>
    /// The rotary tables and attention windows of the block: full-attention layers see every earlier position, sliding
    /// ones the last window positions, rotated by their own rope where the family has a second one.
    /// </summary>
    private BlockInputs Inputs(BlockLayout layout)
    {
        var (cos, sin) = _rope.Table(layout, DType);
        var full = new LayerInputs(cos, sin, AttentionWindow.Create(layout, null, DType, Device));
        if (_slidingWindow is not int window)
        {
            return new BlockInputs(full, full);
        }
        var slidingWindow = AttentionWindow.Create(layout, window, DType, Device);
        if (ReferenceEquals(_slidingRope, _rope))
        {
            return new BlockInputs(full, full with { Window = slidingWindow });
        }
        var (slidingCos, slidingSin) = _slidingRope.Table(layout, DType);
        return new BlockInputs(full, new LayerInputs(slidingCos, slidingSin, slidingWindow));
    }

    protected sealed override void DisposeExtras()
    {
        _rope.Dispose();
        if (!ReferenceEquals(_slidingRope, _rope))
        {
            _slidingRope.Dispose();
        }
    }
}
