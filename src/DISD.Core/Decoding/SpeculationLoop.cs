using System.Diagnostics;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// The loop every speculative decoder runs, chain (<see cref="SpeculativeDecoder"/>) or tree
/// (<see cref="TreeSpeculativeDecoding"/>): per round it asks for up to k drafts within the token limit, emits the
/// accepted drafts and then the target's own token (stopping at EOS), records the round and its statistics, and picks
/// the next k from <see cref="SpeculativeOptions.DraftLength"/>. Only how a round drafts and verifies differs.
/// </summary>
internal static class SpeculationLoop
{
    /// <summary>One draft-and-verify round at output position <c>position</c> with at most <c>maxDrafts</c> drafts.</summary>
    public delegate RoundDecision Round(int position, int maxDrafts, RoundClock clock);

    /// <summary>
    /// Runs rounds until the token limit or EOS. <paramref name="forget"/> drops the sampler's cached randomness before
    /// each position and at the end (none before the first round can be live). <paramref name="clock"/> has timed the
    /// run since its start, prefill included.
    /// </summary>
    public static DecodingResult Run(ICausalLanguageModel target, DecodingOptions options, SpeculativeOptions speculative,
        Stopwatch clock, ModelCursor targetCursor, Func<int> drafterCalls, Action<long>? forget, Round round)
    {
        var tokens = new List<int>();
        var rounds = new List<DecodingRound>();
        var stats = new StepStatistics();
        var endedWithEos = false;
        var k = speculative.DraftLength.Initial;
        forget?.Invoke(long.MaxValue);
        try
        {
            while (tokens.Count < options.MaxNewTokens && !endedWithEos)
            {
                var position = tokens.Count;
                forget?.Invoke(position);
                var roundClock = new RoundClock();
                RoundDecision decision;
                using (NewDisposeScope())
                {
                    decision = round(position, Math.Min(k, options.MaxNewTokens - position - 1), roundClock);
                    stats.Record(decision.DraftedIds.Length, decision.Accepted, decision.Agreement);
                    roundClock.End();
                }
                var emitted = Emit(decision, tokens, target, options.StopAtEos, ref endedWithEos);
                rounds.Add(roundClock.Record(position, decision, emitted));
                k = speculative.DraftLength.Next(k, decision.Accepted, decision.DraftedIds.Length);
            }
        }
        finally
        {
            forget?.Invoke(long.MaxValue);
        }
        clock.Stop();
        return new DecodingResult(tokens, stats.Accepted, stats.Proposed, stats.Compared, targetCursor.Calls,
            drafterCalls(), stats.PredictedAcceptance, clock.Elapsed.TotalSeconds, endedWithEos, rounds);
    }

    /// <summary>Appends the accepted drafts, then the target's token; returns how many were appended before EOS ended it.</summary>
    private static int Emit(RoundDecision decision, List<int> tokens, ICausalLanguageModel target, bool stopAtEos,
        ref bool endedWithEos)
    {
        var emitted = 0;
        foreach (var token in decision.DraftedIds.Take(decision.Accepted).Append(decision.TargetSamples[decision.Accepted]))
        {
            tokens.Add(checked((int)token));
            emitted++;
            if (stopAtEos && target.EosTokenIds.Contains((int)token))
            {
                endedWithEos = true;
                break;
            }
        }
        return emitted;
    }
}

/// <summary>What one round decided; the loop emits it and records it as a <see cref="DecodingRound"/>.</summary>
/// <param name="DraftedIds">The drafts the round reports: the chain, or the tree's followed branch.</param>
/// <param name="TargetSamples">The target's token at each drafted position and at the bonus position.</param>
/// <param name="Accepted">Drafts accepted; the target's token at this index follows them.</param>
/// <param name="Agreement">Exact agreement at each compared position (accepted + first rejection), or null.</param>
internal sealed record RoundDecision(long[] DraftedIds, long[] TargetSamples, int Accepted, double[]? Agreement);

/// <summary>
/// Where a round's time went: the round marks the end of drafting and of the target call and times its predicted
/// acceptance; the loop marks the end. Everything after the target call is host time (<see cref="DecodingRound.HostSeconds"/>).
/// </summary>
internal sealed class RoundClock
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _drafted;
    private long _verified;
    private long _end;
    private long _prediction;

    public void Drafted() => _drafted = Stopwatch.GetTimestamp();

    public void Verified() => _verified = Stopwatch.GetTimestamp();

    /// <summary>Runs <paramref name="predict"/> (the exact predicted acceptance, a diagnostic) and times it apart.</summary>
    public T Predict<T>(Func<T> predict)
    {
        var start = Stopwatch.GetTimestamp();
        var value = predict();
        _prediction += Stopwatch.GetTimestamp() - start;
        return value;
    }

    public void End() => _end = Stopwatch.GetTimestamp();

    public DecodingRound Record(int position, RoundDecision decision, int emitted) =>
        new(position, decision.DraftedIds, decision.TargetSamples, decision.Accepted, emitted, decision.Agreement,
            Seconds(_drafted - _start), Seconds(_verified - _drafted), Seconds(_end - _verified), Seconds(_prediction));

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
