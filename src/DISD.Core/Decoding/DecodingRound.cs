namespace DISD.Decoding;

/// <summary>
/// One draft-and-verify round (one target call): what was drafted, what the target sampled, what was kept and where
/// the time went. Target-only decoding records one round per token with nothing drafted.
/// </summary>
/// <param name="Position">Output position of the first drafted token (0 = the first generated token).</param>
/// <param name="DraftedIds">The drafted tokens (k of them; empty when nothing was drafted).</param>
/// <param name="TargetSamples">
/// The target's coupled sample at each drafted position and at the bonus position (k + 1 entries), each given the
/// drafts before it; −1 where a weighted-MinHash sample was not settled because no decision needed it. Under
/// standard speculative sampling these are the residual/bonus samples the target would emit at that position.
/// </param>
/// <param name="Accepted">Drafts accepted.</param>
/// <param name="Emitted">Tokens appended to the output (accepted + 1, fewer when EOS or the token limit came first).</param>
/// <param name="Agreement">Exact agreement probability at each compared position (accepted + first rejection); null when not computed.</param>
/// <param name="DrafterSeconds">Drafting (model calls and sampling, or the n-gram lookup).</param>
/// <param name="TargetSeconds">The target's forward call.</param>
/// <param name="HostSeconds">The rest: sampling, verification, the host read, cache rollback.</param>
/// <param name="PredictionSeconds">
/// Of <paramref name="HostSeconds"/>, the exact predicted acceptance when it is computed apart from the step (on the CPU); a
/// diagnostic, not part of decoding (<c>--no-predicted-acceptance</c> skips it).
/// </param>
public sealed record DecodingRound(
    int Position,
    IReadOnlyList<long> DraftedIds,
    IReadOnlyList<long> TargetSamples,
    int Accepted,
    int Emitted,
    IReadOnlyList<double>? Agreement,
    double DrafterSeconds,
    double TargetSeconds,
    double HostSeconds,
    double PredictionSeconds = 0)
{
    public int Drafted => DraftedIds.Count;

    /// <summary>Per compared position, whether the target's sample equals the draft (DISD's acceptance rule).</summary>
    public IReadOnlyList<bool> Agrees => DraftedIds.Take(Math.Min(Drafted, Accepted + 1))
        .Select((draft, j) => TargetSamples[j] == draft).ToList();
}
