using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>
/// The parts of a Qwen2 config.json the model needs. Sliding-window layers exist only with use_sliding_window
/// (layers from max_window_layers on), as in transformers.
/// </summary>
public sealed record Qwen2Config(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumLayers,
    int NumHeads,
    int NumKvHeads,
    int HeadDim,
    double RmsNormEps,
    int? SlidingWindow,
    IReadOnlyList<bool> SlidingLayers,
    RopeSettings Rope,
    Activation Activation,
    bool TieWordEmbeddings,
    IReadOnlyList<int> EosTokenIds,
    ScalarType CheckpointDType)
{
    public static Qwen2Config FromJson(ConfigJson json)
    {
        var shape = CoreShape.Read(json);
        int layers = shape.Layers;
        int? window = json.BoolOr("use_sliding_window") == true ? json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions) : null;
        int maxWindowLayers = json.IntInRange("max_window_layers", 0, ConfigLimits.MaxLayers, fallback: layers);
        var sliding = CommonConfig.SlidingLayers(json, layers, i => window is not null && i >= maxWindowLayers);
        return new Qwen2Config(
            VocabSize: shape.Vocab,
            HiddenSize: shape.Hidden,
            IntermediateSize: shape.Intermediate,
            NumLayers: layers,
            NumHeads: shape.Heads,
            NumKvHeads: shape.KvHeads,
            HeadDim: shape.HeadDim,
            RmsNormEps: json.PositiveOr("rms_norm_eps", 1e-6, max: 1)!.Value,
            SlidingWindow: sliding.Any(s => s) ? window ?? json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions) : null,
            SlidingLayers: sliding,
            Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
            Activation: CommonConfig.ReadActivation(json, "silu"),
            TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? false,
            EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
    }
}
