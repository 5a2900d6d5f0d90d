namespace DISD.Cli.Commands;

/// <summary>The configuration shared by single and batch runs (JSON, snake_case).</summary>
internal sealed record SpeculateConfig(
    string Method,
    string Coupling,
    int? K,
    string DraftLength,
    ulong Seed,
    double Temperature,
    int MaxNewTokens,
    bool IgnoreEos,
    string Target,
    string Drafter,
    string Device,
    string Dtype);

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
    int TargetCalls,
    int DrafterCalls,
    int AcceptedDrafts,
    int ProposedDrafts,
    double TokensPerSecond,
    double Seconds,
    double TargetSeconds,
    double DrafterSeconds,
    double OtherSeconds,
    bool EndedWithEos,
    bool? Verified)
{
    public static SpeculateSummary From(SpeculateConfig config, int promptTokens, SpeculateOutcome outcome, string text, bool? verified)
    {
        var r = outcome.Result;
        return new SpeculateSummary(config, config.Method, config.Coupling, config.K, config.Seed, config.Target, config.Drafter,
            promptTokens, r.Tokens, text, r.AcceptanceRate, r.ComparedAcceptance, r.PredictedAcceptance, r.BlockEfficiency,
            r.TargetCalls, r.DrafterCalls, r.AcceptedDrafts, r.ProposedDrafts, r.TokensPerSecond, r.Seconds,
            outcome.TargetSeconds, outcome.DrafterSeconds, outcome.OtherSeconds, r.EndedWithEos, verified);
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
    bool IdenticalToTargetOnly);

/// <summary>All prompts of a <c>--prompts-file</c> run together.</summary>
internal sealed record SpeculateAggregate(
    int Prompts,
    int Tokens,
    double? AcceptanceRate,
    double? ObservedAcceptance,
    double? PredictedAcceptance,
    double BlockEfficiency,
    double TokensPerSecond,
    double TargetOnlyTokensPerSecond,
    double Speedup,
    double MedianSpeedup,
    double TargetSeconds,
    double DrafterSeconds,
    double OtherSeconds,
    bool AllIdenticalToTargetOnly);

/// <summary>The <c>--json</c> object of a <c>--prompts-file</c> run.</summary>
internal sealed record SpeculateBatchSummary(
    SpeculateConfig Config,
    string? Shard,
    int Repeats,
    IReadOnlyList<SpeculatePromptStats> Prompts,
    SpeculateAggregate Aggregate);
