namespace DISD.Models.Config;

/// <summary>
/// The text decoder of Gemma-3 (model_type gemma3_text, or the text_config of a multimodal gemma3 checkpoint): a
/// <see cref="GemmaConfig"/> whose sliding layers use <see cref="LocalRope"/> and full-attention layers <see cref="GlobalRope"/>.
/// </summary>
public sealed record Gemma3Config : GemmaConfig
{
    /// <param name="outerEosTokenIds">A multimodal checkpoint's top-level eos ids, used when text_config has none.</param>
    private Gemma3Config(ConfigJson json, IReadOnlyList<int>? outerEosTokenIds) : base(json, LegacySlidingRule(json))
    {
        (GlobalRope, LocalRope) = ReadRopes(json);
        if (EosTokenIds.Count == 0)
        {
            EosTokenIds = outerEosTokenIds ?? [];
        }
    }

    public RopeSettings GlobalRope { get; init; }

    public RopeSettings LocalRope { get; init; }

    public static Gemma3Config FromJson(ConfigJson json, IReadOnlyList<int>? outerEosTokenIds = null) => new(json, outerEosTokenIds);

    /// <summary>transformers 4: every pattern-th layer is global, the others slide.</summary>
    private static Func<int, bool> LegacySlidingRule(ConfigJson json)
    {
        string key = json.Has("sliding_window_pattern") ? "sliding_window_pattern" : "_sliding_window_pattern";
        int pattern = json.IntInRange(key, 1, ConfigLimits.MaxLayers + 1, fallback: 6);
        return i => (i + 1) % pattern != 0;
    }

    /// <summary>
    /// transformers 5: <c>rope_parameters</c> keyed by layer type (or one flat object for the global layers);
    /// transformers 4: <c>rope_theta</c> + <c>rope_scaling</c> for global layers, <c>rope_local_base_freq</c> for local ones.
    /// </summary>
    private static (RopeSettings Global, RopeSettings Local) ReadRopes(ConfigJson json)
    {
        double legacyGlobalTheta = json.PositiveOr("rope_theta", 1_000_000.0)!.Value;
        double legacyLocalTheta = json.PositiveOr("rope_local_base_freq", 10_000.0)!.Value;
        var parameters = json.Object("rope_parameters");
        if (parameters is not null && (parameters.Has(CommonConfig.FullAttention) || parameters.Has(CommonConfig.SlidingAttention)))
        {
            return (RopeSettings.Read(parameters.Object(CommonConfig.FullAttention), legacyGlobalTheta),
                    RopeSettings.Read(parameters.Object(CommonConfig.SlidingAttention), legacyLocalTheta));
        }
        var global = RopeSettings.Read(parameters ?? json.Object("rope_scaling"), legacyGlobalTheta);
        return (global, new RopeSettings(legacyLocalTheta));
    }
}
