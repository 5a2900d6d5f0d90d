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
    public static LlamaConfig FromJson(ConfigJson json) => FromJson(json, CoreShape.Read(json));

    private static LlamaConfig FromJson(ConfigJson json, CoreShape shape) => new(
        VocabSize: shape.Vocab,
        HiddenSize: shape.Hidden,
        IntermediateSize: shape.Intermediate,
        NumLayers: shape.Layers,
        NumHeads: shape.Heads,
        NumKvHeads: shape.KvHeads,
        HeadDim: shape.HeadDim,
        RmsNormEps: json.PositiveOr("rms_norm_eps", 1e-6, max: 1)!.Value,
        Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
        Activation: CommonConfig.ReadActivation(json, "silu"),
        AttentionBias: json.BoolOr("attention_bias") ?? false,
        MlpBias: json.BoolOr("mlp_bias") ?? false,
        TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? false,
        EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
}
