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

    /// <summary>The option that lets a run go past a model's trained context.</summary>
    public const string AllowOption = "--allow-beyond-context";

    /// <summary>
    /// Checks that <paramref name="promptTokens"/> + <paramref name="newTokens"/> positions fit the model's trained context.
    /// Past it the runtime would still compute (RoPE extrapolates) but the distributions are outside the model's range,
    /// so it is an error unless <paramref name="allowBeyond"/>; then the returned warning is to be logged.
    /// </summary>
    /// <param name="label">The option and value that named the model (e.g. "--model-large google/gemma-2-2b").</param>
    /// <param name="newTokensOption">The option that set <paramref name="newTokens"/> (e.g. "--num-tokens").</param>
    public static string? Check(string checkpointDir, string label, int promptTokens, int newTokens, string newTokensOption, bool allowBeyond)
    {
        long length = (long)promptTokens + newTokens;
        if (MaxPositions(checkpointDir) is not int max || length <= max)
        {
            return null;
        }
        string what = $"{label} was trained for {max} positions; the prompt ({promptTokens} tokens) + {newTokensOption} {newTokens} = {length} go beyond it";
        return allowBeyond
            ? $"warning: {what} ({AllowOption}: the distributions past position {max} are outside the model's range)"
            : throw new DisdException($"{what}; shorten the prompt or lower {newTokensOption}, or pass {AllowOption} to run past the trained context anyway");
    }
}
