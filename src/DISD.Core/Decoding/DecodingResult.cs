namespace DISD.Decoding;

/// <summary>Generated tokens and statistics of one decoding run.</summary>
/// <param name="Tokens">Generated token ids (prompt excluded).</param>
/// <param name="AcceptedDrafts">Drafted tokens accepted by the target.</param>
/// <param name="ProposedDrafts">Drafted tokens proposed (including those after a rejection).</param>
/// <param name="ComparedDrafts">Drafted tokens actually checked: the accepted ones plus the first rejected per step.</param>
/// <param name="TargetCalls">Target forward calls, the prompt's prefill included (a cost, not a round).</param>
/// <param name="DrafterCalls">Drafter forward calls (prefill included).</param>
/// <param name="PredictedAcceptance">
/// Mean exact coupling agreement between target and drafter distributions over the compared positions; its
/// expectation equals ComparedAcceptance. Null without a drafter or when not computed.
/// </param>
/// <param name="Seconds">Wall-clock time of the run.</param>
/// <param name="EndedWithEos">Whether generation stopped at an end-of-sequence token.</param>
/// <param name="Rounds">Every draft-and-verify round (target-only decoding: one per token).</param>
public sealed record DecodingResult(
    IReadOnlyList<int> Tokens,
    int AcceptedDrafts,
    int ProposedDrafts,
    int ComparedDrafts,
    int TargetCalls,
    int DrafterCalls,
    double? PredictedAcceptance,
    double Seconds,
    bool EndedWithEos,
    IReadOnlyList<DecodingRound> Rounds)
{
    /// <summary>Time spent on the exact predicted acceptance apart from the steps (see <see cref="DecodingRound.PredictionSeconds"/>).</summary>
    public double PredictionSeconds => Rounds.Sum(r => r.PredictionSeconds);

    /// <summary>
    /// τ: mean tokens emitted per verification round (accepted drafts plus the target's own token), Spec-Bench's
    /// "mean accepted tokens"; null without rounds.
    /// </summary>
    public double? MeanAcceptedLength => Rounds.Count > 0 ? Rounds.Average(r => (double)r.Emitted) : null;

    /// <summary>Rounds by accepted drafts: entry a = rounds in which exactly a drafts were accepted.</summary>
    public IReadOnlyList<int> AcceptedHistogram
    {
        get
        {
            var histogram = new int[Rounds.Count == 0 ? 0 : Rounds.Max(r => r.Accepted) + 1];
            foreach (var round in Rounds)
                histogram[round.Accepted]++;
            return histogram;
        }
    }

    /// <summary>Accepted / proposed drafts; null without a drafter.</summary>
    public double? AcceptanceRate => ProposedDrafts > 0 ? (double)AcceptedDrafts / ProposedDrafts : null;

    /// <summary>Accepted / compared drafts: the observed per-position agreement.</summary>
    public double? ComparedAcceptance => ComparedDrafts > 0 ? (double)AcceptedDrafts / ComparedDrafts : null;

    /// <summary>
    /// Generated tokens per round, each round one target forward (verification, or a target-only step); the prompt's
    /// prefill is no round, as in Spec-Bench and the speculative decoding papers. So it equals
    /// <see cref="MeanAcceptedLength"/>: counting the prefill gave 0.80 beside τ 1.000 for four target-only-like rounds.
    /// </summary>
    public double BlockEfficiency => Rounds.Count > 0 ? (double)Tokens.Count / Rounds.Count : 0;

    public double TokensPerSecond => Seconds > 0 ? Tokens.Count / Seconds : 0;
}
