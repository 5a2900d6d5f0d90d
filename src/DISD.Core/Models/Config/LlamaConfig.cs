namespace DISD.Models.Config;

/// <summary>The parts of a Llama config.json the model needs beyond <see cref="DecoderConfig"/> (rope_parameters or rope_theta + rope_scaling).</summary>
public sealed record LlamaConfig : DecoderConfig
{
    private LlamaConfig(ConfigJson json) : base(json, defaultActivation: "silu", tiesByDefault: false)
    {
        Rope = RopeSettings.ReadModelRope(json, defaultTheta: 10000.0);
        AttentionBias = json.BoolOr("attention_bias") ?? false;
        MlpBias = json.BoolOr("mlp_bias") ?? false;
    }

    public RopeSettings Rope { get; init; }

    /// <summary>Biases on the q, k, v and o projections.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Biases on the gate, up and down projections.</summary>
    public bool MlpBias { get; init; }

    public static LlamaConfig FromJson(ConfigJson json) => new(json);
}
