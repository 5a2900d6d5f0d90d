namespace DISD.Models.Config;

/// <summary>The parts of a Gemma-2 config.json the model needs beyond <see cref="GemmaConfig"/>: one rope for every layer.</summary>
public sealed record Gemma2Config : GemmaConfig
{
    // transformers 4: even layers (0, 2, ...) slide.
    private Gemma2Config(ConfigJson json) : base(json, legacySlidingRule: i => (i + 1) % 2 != 0) =>
        Rope = RopeSettings.ReadModelRope(json, defaultTheta: 10000.0);

    public RopeSettings Rope { get; init; }

    public static Gemma2Config FromJson(ConfigJson json) => new(json);
}
