namespace DISD.Models;

/// <summary>The context length a checkpoint was trained for (config.json <c>max_position_embeddings</c>).</summary>
public static class ContextWindow
{
    /// <summary>The model's max_position_embeddings (from text_config for multimodal configs), or null when absent.</summary>
    public static int? MaxPositions(string checkpointDir)
    {
        var config = ModelLoader.ReadConfig(checkpointDir);
        var text = config.Object("text_config") ?? config;
        return text.Has("max_position_embeddings") ? text.IntInRange("max_position_embeddings", 1, Config.ConfigLimits.MaxPositions) : null;
    }

    /// <summary>
    /// A warning when <paramref name="length"/> positions (prompt + new tokens) exceed the model's trained context;
    /// the runtime still computes them (RoPE extrapolates), but the distributions are out of the model's range.
    /// </summary>
    public static string? Warning(string checkpointDir, string label, int length) =>
        MaxPositions(checkpointDir) is int max && length > max
            ? $"warning: {label} was trained for {max} positions; prompt + new tokens = {length} go beyond it"
            : null;
}
