namespace DISD.Models.Config;

/// <summary>Rotary position embedding parameters: a base frequency and an optional frequency scaling rule.</summary>
/// <param name="Type">"default", "linear" or "llama3" (transformers' rope_type names).</param>
public sealed record RopeSettings(
    double Theta,
    string Type = "default",
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositions = 8192)
{
    private static readonly string[] SupportedTypes = ["default", "linear", "llama3"];

    /// <summary>
    /// Reads one rope description: a transformers-5 <c>rope_parameters</c> object (which carries rope_theta) or a
    /// transformers-4 <c>rope_scaling</c> object (the theta then comes from <paramref name="legacyTheta"/>).
    /// A null <paramref name="parameters"/> means plain RoPE with <paramref name="legacyTheta"/>.
    /// </summary>
    public static RopeSettings Read(ConfigJson? parameters, double legacyTheta)
    {
        if (parameters is null)
        {
            return new RopeSettings(legacyTheta);
        }
        string type = parameters.StringOr("rope_type") ?? parameters.StringOr("type") ?? "default";
        if (!SupportedTypes.Contains(type))
        {
            throw new DisdException(
                $"{parameters.Source}: rope type '{type}' is not supported (supported: {string.Join(", ", SupportedTypes)})");
        }
        var settings = new RopeSettings(parameters.PositiveOr("rope_theta", legacyTheta)!.Value, type);
        return type switch
        {
            "linear" => settings with { Factor = Required(parameters, "factor") },
            "llama3" => Llama3(parameters, settings),
            _ => settings,
        };
    }

    private static double Required(ConfigJson parameters, string key) => parameters.PositiveOr(key) ?? throw parameters.Missing(key);

    private static RopeSettings Llama3(ConfigJson parameters, RopeSettings settings)
    {
        var llama3 = settings with
        {
            Factor = Required(parameters, "factor"),
            LowFreqFactor = Required(parameters, "low_freq_factor"),
            HighFreqFactor = Required(parameters, "high_freq_factor"),
            OriginalMaxPositions = parameters.IntInRange("original_max_position_embeddings", 1, ConfigLimits.MaxPositions),
        };
        return llama3.HighFreqFactor > llama3.LowFreqFactor ? llama3
            : throw new DisdException($"{parameters.Source}: high_freq_factor {llama3.HighFreqFactor} must exceed low_freq_factor {llama3.LowFreqFactor}; "
                + "fix config.json");
    }

    /// <summary>
    /// The single rope of a model from either config form: <c>rope_parameters</c> (v5) or <c>rope_theta</c> +
    /// <c>rope_scaling</c> (v4).
    /// </summary>
    public static RopeSettings ReadModelRope(ConfigJson config, double defaultTheta)
    {
        double theta = config.PositiveOr("rope_theta", defaultTheta)!.Value;
        return Read(config.Object("rope_parameters") ?? config.Object("rope_scaling"), theta);
    }
}
