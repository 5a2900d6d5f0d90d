namespace DISD.Decoding;

/// <summary>
/// What the target decided in one speculative step, read back to the host in one transfer.
/// <see cref="TargetTokens"/>[j] is the target's token at drafted position j if it is reached (k+1 entries;
/// −1 = not yet settled), <see cref="Accepted"/>[j] whether draft j is accepted given the earlier ones were
/// (null for DISD, where acceptance is equality), <see cref="Agreement"/>[j] the exact predicted agreement (or null).
/// </summary>
internal sealed record StepVerification(long[] TargetTokens, long[] Drafts, bool[]? Accepted, double[]? Agreement);
