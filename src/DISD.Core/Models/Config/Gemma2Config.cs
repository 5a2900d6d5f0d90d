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
        var shape = CoreShape.Read(json);
        int layers = shape.Layers;
        return new Gemma2Config(
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
            // transformers 4: even layers (0, 2, ...) slide.
            SlidingLayers: CommonConfig.SlidingLayers(json, layers, i => (i + 1) % 2 != 0),
            Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
            Activation: CommonConfig.ReadActivation(json, "gelu_pytorch_tanh"),
            TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? true,
            EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
    }
}
