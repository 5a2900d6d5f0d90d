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
        int layers = json.Int("num_hidden_layers");
        int pattern = json.IntOr("sliding_window_pattern") ?? json.IntOr("_sliding_window_pattern") ?? 6;
        var (globalRope, localRope) = ReadRopes(json);
        var eos = json.IntOrIntList("eos_token_id");
        return new Gemma3Config(
            VocabSize: json.Int("vocab_size"),
            HiddenSize: json.Int("hidden_size"),
            IntermediateSize: json.Int("intermediate_size"),
            NumLayers: layers,
            NumHeads: json.Int("num_attention_heads"),
            NumKvHeads: json.IntOr("num_key_value_heads") ?? json.Int("num_attention_heads"),
            HeadDim: CommonConfig.HeadDim(json),
            QueryPreAttnScalar: json.DoubleOr("query_pre_attn_scalar") ?? CommonConfig.HeadDim(json),
            RmsNormEps: json.DoubleOr("rms_norm_eps") ?? 1e-6,
            SlidingWindow: json.IntOr("sliding_window") ?? 4096,
            AttnLogitSoftcapping: json.DoubleOr("attn_logit_softcapping"),
            FinalLogitSoftcapping: json.DoubleOr("final_logit_softcapping"),
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
        double legacyGlobalTheta = json.DoubleOr("rope_theta") ?? 1_000_000.0;
        double legacyLocalTheta = json.DoubleOr("rope_local_base_freq") ?? 10_000.0;
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
