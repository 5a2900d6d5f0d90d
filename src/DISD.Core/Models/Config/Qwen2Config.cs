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
        int layers = json.Int("num_hidden_layers");
        int? window = json.BoolOr("use_sliding_window") == true ? json.IntOr("sliding_window") : null;
        int maxWindowLayers = json.IntOr("max_window_layers") ?? layers;
        var sliding = CommonConfig.SlidingLayers(json, layers, i => window is not null && i >= maxWindowLayers);
        return new Qwen2Config(
            VocabSize: json.Int("vocab_size"),
            HiddenSize: json.Int("hidden_size"),
            IntermediateSize: json.Int("intermediate_size"),
            NumLayers: layers,
            NumHeads: json.Int("num_attention_heads"),
            NumKvHeads: json.IntOr("num_key_value_heads") ?? json.Int("num_attention_heads"),
            HeadDim: CommonConfig.HeadDim(json),
            RmsNormEps: json.DoubleOr("rms_norm_eps") ?? 1e-6,
            SlidingWindow: sliding.Any(s => s) ? window ?? json.Int("sliding_window") : null,
            SlidingLayers: sliding,
            Rope: RopeSettings.ReadModelRope(json, defaultTheta: 10000.0),
            Activation: CommonConfig.ReadActivation(json, "silu"),
            TieWordEmbeddings: json.BoolOr("tie_word_embeddings") ?? false,
            EosTokenIds: json.IntOrIntList("eos_token_id"),
            CheckpointDType: CommonConfig.CheckpointDType(json));
    }
}
