using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>The parts of a Llama config.json the model needs (rope_parameters or rope_theta + rope_scaling).</summary>
public sealed record LlamaConfig(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumLayers,
    int NumHeads,
    int NumKvHeads,
    int HeadDim,
    double RmsNormEps,
    RopeSettings Rope,
    Activation Activation,
    bool AttentionBias,
    bool MlpBias,
    bool TieWordEmbeddings,
    IReadOnlyList<int> EosTokenIds,
    ScalarType CheckpointDType)
{
    public static LlamaConfig FromJson(ConfigJson json) => new(
        VocabSize: json.Int("vocab_size"),
        HiddenSize: json.Int("hidden_size"),
        IntermediateSize: json.Int("intermediate_size"),
        NumLayers: json.Int("num_hidden_layers"),
        NumHeads: json.Int("num_attention_heads"),
        NumKvHeads: json.IntOr("num_key_value_heads") ?? json.Int("num_attention_heads"),
        HeadDim: CommonConfig.HeadDim(json),
        RmsNormEps: json.DoubleOr("rms_norm_eps") ?? 1e-6,
        Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
        Activation: CommonConfig.ReadActivation(json, "silu"),
        AttentionBias: json.BoolOr("attention_bias") ?? false,
        MlpBias: json.BoolOr("mlp_bias") ?? false,
        TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? false,
        EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
}
