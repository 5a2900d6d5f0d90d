using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>
/// The text decoder of Gemma-3 (model_type gemma3_text, or the text_config of a multimodal gemma3 checkpoint).
/// Sliding layers use <see cref="LocalRope"/>, full-attention layers <see cref="GlobalRope"/>.
/// </summary>
public sealed record Gemma3Config(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumLayers,
    int NumHeads,
    int NumKvHeads,
    int HeadDim,
    double QueryPreAttnScalar,
    double RmsNormEps,
    int SlidingWindow,
    double? AttnLogitSoftcapping,
    double? FinalLogitSoftcapping,
    IReadOnlyList<bool> SlidingLayers,
    RopeSettings GlobalRope,
    RopeSettings LocalRope,
    Activation Activation,
    bool TieWordEmbeddings,
    IReadOnlyList<int> EosTokenIds,
    ScalarType CheckpointDType)
{
    public static Gemma3Config FromJson(ConfigJson json, IReadOnlyList<int>? outerEosTokenIds = null)
    {
        var shape = CoreShape.Read(json);
        int layers = shape.Layers;
        int pattern = json.IntInRange(json.Has("sliding_window_pattern") ? "sliding_window_pattern" : "_sliding_window_pattern", 1, ConfigLimits.MaxLayers + 1, fallback: 6);
        var (globalRope, localRope) = ReadRopes(json);
        var eos = json.IntOrIntList("eos_token_id");
        return new Gemma3Config(
            VocabSize: shape.Vocab,
            HiddenSize: shape.Hidden,
            IntermediateSize: shape.Intermediate,
            NumLayers: layers,
            NumHeads: shape.Heads,
            NumKvHeads: shape.KvHeads,
            HeadDim: shape.HeadDim,
            QueryPreAttnScalar: json.PositiveOr("query_pre_attn_scalar", shape.HeadDim)!.Value,
            RmsNormEps: json.PositiveOr("rms_norm_eps", 1e-6, max: 1)!.Value,
            SlidingWindow: json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions, fallback: 4096),
            AttnLogitSoftcapping: json.PositiveOr("attn_logit_softcapping"),
            FinalLogitSoftcapping: json.PositiveOr("final_logit_softcapping"),
            // transformers 4: every pattern-th layer is global, the others slide.
            SlidingLayers: CommonConfig.SlidingLayers(json, layers, i => (i + 1) % pattern != 0),
            GlobalRope: globalRope,
            LocalRope: localRope,
            Activation: CommonConfig.ReadActivation(json, "gelu_pytorch_tanh"),
            TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? true,
            EosTokenIds: eos.Count > 0 ? eos : outerEosTokenIds ?? [],
            CheckpointDType: CommonConfig.CheckpointDType(json));
    }

    /// <summary>
    /// transformers 5: <c>rope_parameters</c> keyed by layer type (or one flat object for the global layers);
    /// transformers 4: <c>rope_theta</c> + <c>rope_scaling</c> for global layers, <c>rope_local_base_freq</c> for local ones.
    /// </summary>
    private static (RopeSettings Global, RopeSettings Local) ReadRopes(ConfigJson json)
    {
        double legacyGlobalTheta = json.PositiveOr("rope_theta", 1_000_000.0)!.Value;
        double legacyLocalTheta = json.PositiveOr("rope_local_base_freq", 10_000.0)!.Value;
        var parameters = json.Object("rope_parameters");
        if (parameters is not null && (parameters.Has(CommonConfig.FullAttention) || parameters.Has(CommonConfig.SlidingAttention)))
        {
            return (RopeSettings.Read(parameters.Object(CommonConfig.FullAttention), legacyGlobalTheta),
                    RopeSettings.Read(parameters.Object(CommonConfig.SlidingAttention), legacyLocalTheta));
        }
        var global = RopeSettings.Read(parameters ?? json.Object("rope_scaling"), legacyGlobalTheta);
        return (global, new RopeSettings(legacyLocalTheta));
    }
}
