using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>The parts of a Gemma-2 config.json the model needs (both the transformers-4 and -5 spellings).</summary>
public sealed record Gemma2Config(
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
    RopeSettings Rope,
    Activation Activation,
    bool TieWordEmbeddings,
    IReadOnlyList<int> EosTokenIds,
    ScalarType CheckpointDType)
{
    public static Gemma2Config FromJson(ConfigJson json)
    {
        int layers = json.Int("num_hidden_layers");
        return new Gemma2Config(
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
            // transformers 4: even layers (0, 2, ...) slide.
            SlidingLayers: CommonConfig.SlidingLayers(json, layers, i => (i + 1) % 2 != 0),
            Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
            Activation: CommonConfig.ReadActivation(json, "gelu_pytorch_tanh"),
            TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? true,
            EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
    }
}
