namespace DISD.Models.Config;

/// <summary>
/// What the Gemma-2 and Gemma-3 configs share beyond <see cref="DecoderConfig"/>: attention scores scaled by
/// query_pre_attn_scalar^−½, optional soft-capping of scores and logits, and sliding-window layers (both the
/// transformers-4 and -5 spellings). Gemma ties its head by default and defaults to gelu-tanh.
/// </summary>
public abstract record GemmaConfig : DecoderConfig
{
    /// <param name="legacySlidingRule">Which layers slide when config.json has no layer_types (transformers 4).</param>
    private protected GemmaConfig(ConfigJson json, Func<int, bool> legacySlidingRule)
        : base(json, defaultActivation: "gelu_pytorch_tanh", tiesByDefault: true)
    {
        QueryPreAttnScalar = json.PositiveOr("query_pre_attn_scalar", HeadDim)!.Value;
        SlidingWindow = json.IntInRange("sliding_window", 1, ConfigLimits.MaxPositions, fallback: 4096);
        AttnLogitSoftcapping = json.PositiveOr("attn_logit_softcapping");
        FinalLogitSoftcapping = json.PositiveOr("final_logit_softcapping");
        SlidingLayers = CommonConfig.SlidingLayers(json, NumLayers, legacySlidingRule);
    }

    public double QueryPreAttnScalar { get; init; }

    public int SlidingWindow { get; init; }

    public double? AttnLogitSoftcapping { get; init; }

    public double? FinalLogitSoftcapping { get; init; }

    public IReadOnlyList<bool> SlidingLayers { get; init; }
}
