namespace DISD.Cli.Commands;

/// <summary>The configuration shared by single and batch runs (JSON, snake_case).</summary>
internal sealed record SpeculateConfig(
    string Method,
    string Coupling,
    int? K,
    string DraftLength,
    ulong Seed,
    double Temperature,
    int? TopK,
    double? TopP,
    double? MinP,
    string Sampling,
    int NumDrafts,
    int MaxNewTokens,
    bool IgnoreEos,
    string Target,
    string Drafter,
    int? NgramMin,
    int? NgramMax,
    string Device,
    string Dtype,
    Runtime.ComputeRuntime Runtime);

/// <summary>The <c>--json</c> object of a single-prompt run.</summary>
internal sealed record SpeculateSummary(
    SpeculateConfig Config,
    string Method,
    string Coupling,
    int? K,
    ulong Seed,
    string Target,
    string Drafter,
    int PromptTokens,
    IReadOnlyList<int> TokenIds,
    string Text,
    double? AcceptanceRate,
    double? ObservedAcceptance,
    double? PredictedAcceptance,
    double BlockEfficiency,
    double? MeanAcceptedLength,
    IReadOnlyList<int> AcceptedHistogram,
    int TargetCalls,
    int DrafterCalls,
    int AcceptedDrafts,
    int ProposedDrafts,
    double TokensPerSecond,
    double Seconds,
    double TargetSeconds,
    double DrafterSeconds,
    double OtherSeconds,
    double PredictionSeconds,
    bool EndedWithEos,
    bool? Verified,
    SpeculateDivergence? Divergence)
{
    public static SpeculateSummary From(SpeculateConfig config, int promptTokens, SpeculateOutcome outcome, string text, bool? verified,
        SpeculateDivergence? divergence)
    {
        var r = outcome.Result;
        return new SpeculateSummary(config, config.Method, config.Coupling, config.K, config.Seed, config.Target, config.Drafter,
            promptTokens, r.Tokens, text, r.AcceptanceRate, r.ComparedAcceptance, r.PredictedAcceptance, r.BlockEfficiency,
            r.MeanAcceptedLength, r.AcceptedHistogram, r.TargetCalls, r.DrafterCalls, r.AcceptedDrafts, r.ProposedDrafts, r.TokensPerSecond, r.Seconds,
            outcome.TargetSeconds, outcome.DrafterSeconds, outcome.OtherSeconds,
            outcome.PredictionSeconds, r.EndedWithEos, verified, divergence);
    }
}

/// <summary>One prompt of a <c>--prompts-file</c> run; times are medians over the repeats.</summary>
internal sealed record SpeculatePromptStats(
    int Index,
    string Prompt,
    int PromptTokens,
    int Tokens,
    IReadOnlyList<int> TokenIds,
    string Text,
    bool EndedWithEos,
    double? AcceptanceRate,
    double? PredictedAcceptance,
    double BlockEfficiency,
    double? MeanAcceptedLength,
    IReadOnlyList<int> AcceptedHistogram,
    int TargetCalls,
    int DrafterCalls,
    double Seconds,
    double TargetOnlySeconds,
    double TokensPerSecond,
    double TargetOnlyTokensPerSecond,
    double Speedup,
    double TargetSeconds,
    double DrafterSeconds,
    double OtherSeconds,
    double PredictionSeconds,
    bool IdenticalToTargetOnly);

/// <summary>All prompts of a <c>--prompts-file</c> run together.</summary>
internal sealed record SpeculateAggregate(
    int Prompts,
    int Tokens,
    double? AcceptanceRate,
    double? ObservedAcceptance,
    double? PredictedAcceptance,
    double BlockEfficiency,
    double? MeanAcceptedLength,
    IReadOnlyList<int> AcceptedHistogram,
    double TokensPerSecond,
    double TargetOnlyTokensPerSecond,
    double Speedup,
    double MedianSpeedup,
    double TargetSeconds,
    double DrafterSeconds,
    double OtherSeconds,
    double PredictionSeconds,
    bool AllIdenticalToTargetOnly);

/// <summary>The <c>--json</c> object of a <c>--prompts-file</c> run.</summary>
/// <param name="Failed">The prompts left out, each with its line and why (a prompt past a model's context); empty when none.</param>
internal sealed record SpeculateBatchSummary(
    SpeculateConfig Config,
    string? Shard,
    int Repeats,
    IReadOnlyList<SpeculatePromptStats> Prompts,
    SpeculateAggregate Aggregate,
    IReadOnlyList<SpeculateFailedPrompt>? Failed = null);

/// <summary>A prompt of a speculate batch that was not run: its 0-based index, its line in --prompts-file, and why.</summary>
internal sealed record SpeculateFailedPrompt(int Index, int Line, string Prompt, string Message);

/// <summary>
/// Where a --verify run first differs from target-only decoding: the output position, both tokens, and the target's
/// top-1 minus top-2 raw logit there (a margin near 0 points to numeric drift, a wide one to an algorithmic bug).
/// </summary>
internal sealed record SpeculateDivergence(int Position, int SpeculativeToken, int TargetOnlyToken, double TopLogitMargin)
{
    public static SpeculateDivergence? From(Decoding.Divergence? d) =>
        d is null ? null : new(d.Position, d.First, d.Second, d.TopLogitMargin);
}
