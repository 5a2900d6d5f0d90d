namespace DISD.Models.Config;

/// <summary>
/// The parts of a Qwen2 config.json the model needs beyond <see cref="DecoderConfig"/>. Sliding-window layers exist
/// only with use_sliding_window (layers from max_window_layers on), as in transformers.
/// </summary>
public sealed record Qwen2Config : DecoderConfig
{
    private Qwen2Config(ConfigJson json) : base(json, defaultActivation: "silu", tiesByDefault: false)
    {
        int? window = json.BoolOr("use_sliding_window") == true ? json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions) : null;
        int maxWindowLayers = json.IntInRange("max_window_layers", 0, ConfigLimits.MaxLayers, fallback: NumLayers);
        SlidingLayers = CommonConfig.SlidingLayers(json, NumLayers, i => window is not null && i >= maxWindowLayers);
        SlidingWindow = SlidingLayers.Any(s => s) ? window ?? json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions) : null;
        Rope = RopeSettings.ReadModelRope(json, defaultTheta: 10000.0);
    }

    /// <summary>The window of the sliding layers; null when no layer slides.</summary>
    public int? SlidingWindow { get; init; }

    public IReadOnlyList<bool> SlidingLayers { get; init; }

    public RopeSettings Rope { get; init; }

    public static Qwen2Config FromJson(ConfigJson json) => new(json);
}
