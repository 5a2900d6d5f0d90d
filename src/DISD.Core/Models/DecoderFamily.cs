using DISD.Models.Config;
using DISD.Models.Layers;

namespace DISD.Models;

/// <summary>What a family states to the decoder skeleton, <see cref="DecoderModel"/>; the defaults are Llama's.</summary>
/// <param name="Norm">Which RMSNorm every norm of the model is, the final one included.</param>
/// <param name="Layer">Builds decoder layer <see cref="LayerWeights.Index"/> from its weights (transformers' XxxDecoderLayer).</param>
/// <param name="Rope">The rotary embedding of full-attention layers, and of sliding ones unless <paramref name="SlidingRope"/>.</param>
/// <param name="SlidingLayers">Per layer: does it attend to the last <paramref name="SlidingWindow"/> positions only? None when null.</param>
/// <param name="SlidingWindow">The sliding layers' window; null when no layer slides.</param>
/// <param name="SlidingRope">The sliding layers' own rotary embedding (Gemma-3's local base frequency).</param>
/// <param name="ScalesEmbedding">Gemma: embeddings multiplied by √hidden, rounded to the compute dtype as transformers does.</param>
/// <param name="FinalLogitSoftcapping">Gemma: logits become cap·tanh(logits / cap).</param>
/// <param name="TiesWithoutHead">Gemma: a checkpoint without lm_head.weight ties the head whatever the config says.</param>
internal sealed record DecoderFamily(
    RmsNormStyle Norm,
    Func<LayerWeights, DecoderLayer> Layer,
    RopeSettings Rope,
    IReadOnlyList<bool>? SlidingLayers = null,
    int? SlidingWindow = null,
    RopeSettings? SlidingRope = null,
    bool ScalesEmbedding = false,
    double? FinalLogitSoftcapping = null,
    bool TiesWithoutHead = false);
