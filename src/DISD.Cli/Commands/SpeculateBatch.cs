using System.Globalization;
using DISD.Decoding;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>--prompts-file</c>: every prompt decoded with the drafter and with the target alone (the speed-up baseline,
/// measured in the same process), after one warm-up of each; times are medians over the repeats.
/// </summary>
internal static class SpeculateBatch
{
    private sealed record Measurement(string Prompt, int PromptTokens, DecodingResult Result, double Seconds,
        double TargetOnlySeconds, double TargetSeconds, double DrafterSeconds, double OtherSeconds, double PredictionSeconds,
        bool Identical);

    /// <param name="indices">Each prompt's 0-based index in the prompts file (they differ from the list's under --shard).</param>
    /// <param name="decode">Turns generated token ids into text.</param>
    /// <returns>The summary, and each prompt's first speculative run (its rounds go to --trace).</returns>
    public static (SpeculateBatchSummary Summary, IReadOnlyList<DecodingResult> FirstRuns) Run(SpeculateRunner runner, IReadOnlyList<string> prompts,
        IReadOnlyList<IReadOnlyList<int>> promptIds, int repeats, SpeculateConfig config, IReadOnlyList<int> indices, Func<IReadOnlyList<int>, string> decode)
    {
        runner.Decode(promptIds[0]);
        runner.TargetOnly(promptIds[0]);
        var measurements = CliProgress.Run("prompts", prompts.Count, progress =>
        {
            var list = new List<Measurement>();
            for (var i = 0; i < prompts.Count; i++)
            {
                list.Add(Measure(runner, prompts[i], promptIds[i], repeats));
                progress.Report(i + 1);
            }

            return list;
        });
        var stats = measurements.Select((m, i) => PromptStats(indices[i], m, decode)).ToList();
        return (new SpeculateBatchSummary(config, null, repeats, stats, Aggregate(measurements, stats)),
            measurements.Select(m => m.Result).ToList());
    }

    private static Measurement Measure(SpeculateRunner runner, string prompt, IReadOnlyList<int> ids, int repeats)
    {
        var speculative = new List<SpeculateOutcome>();
        var targetOnly = new List<SpeculateOutcome>();
        for (var r = 0; r < repeats; r++)
        {
            speculative.Add(runner.Decode(ids));
            targetOnly.Add(runner.TargetOnly(ids));
        }

        var first = speculative[0].Result;
        return new Measurement(prompt, ids.Count, first,
            Median(speculative.Select(o => o.Result.Seconds)),
            Median(targetOnly.Select(o => o.Result.Seconds)),
            Median(speculative.Select(o => o.TargetSeconds)),
            Median(speculative.Select(o => o.DrafterSeconds)),
            Median(speculative.Select(o => o.OtherSeconds)),
            Median(speculative.Select(o => o.PredictionSeconds)),
            first.Tokens.SequenceEqual(targetOnly[0].Result.Tokens));
    }

    private static SpeculatePromptStats PromptStats(int index, Measurement m, Func<IReadOnlyList<int>, string> decode)
    {
        var r = m.Result;
        return new SpeculatePromptStats(index, m.Prompt, m.PromptTokens, r.Tokens.Count, r.Tokens, decode(r.Tokens), r.EndedWithEos,
            r.AcceptanceRate, r.PredictedAcceptance, r.BlockEfficiency, r.MeanAcceptedLength, r.AcceptedHistogram, r.TargetCalls,
            r.DrafterCalls, m.Seconds, m.TargetOnlySeconds, r.Tokens.Count / m.Seconds,
            r.Tokens.Count / m.TargetOnlySeconds, m.TargetOnlySeconds / m.Seconds, m.TargetSeconds, m.DrafterSeconds,
            m.OtherSeconds, m.PredictionSeconds, m.Identical);
    }

    private static SpeculateAggregate Aggregate(IReadOnlyList<Measurement> measurements, IReadOnlyList<SpeculatePromptStats> stats)
    {
        var results = measurements.Select(m => m.Result).ToList();
        var tokens = results.Sum(r => r.Tokens.Count);
        var proposed = results.Sum(r => r.ProposedDrafts);
        var compared = results.Where(r => r.PredictedAcceptance is not null).Sum(r => r.ComparedDrafts);
        double? predicted = compared > 0
            ? results.Where(r => r.PredictedAcceptance is not null).Sum(r => r.PredictedAcceptance!.Value * r.ComparedDrafts) / compared
            : null;
        var seconds = measurements.Sum(m => m.Seconds);
        var targetOnlySeconds = measurements.Sum(m => m.TargetOnlySeconds);
        return new SpeculateAggregate(
            measurements.Count,
            tokens,
            proposed > 0 ? (double)results.Sum(r => r.AcceptedDrafts) / proposed : null,
            results.Sum(r => r.ComparedDrafts) is > 0 and var all ? (double)results.Sum(r => r.AcceptedDrafts) / all : null,
            predicted,
            results.Sum(r => r.Rounds.Count) is > 0 and var verifyRounds ? (double)tokens / verifyRounds : 0,
            results.Sum(r => r.Rounds.Count) is > 0 and var rounds ? (double)results.Sum(r => r.Rounds.Sum(x => x.Emitted)) / rounds : null,
            SumHistograms(results.Select(r => r.AcceptedHistogram)),
            tokens / seconds,
            tokens / targetOnlySeconds,
            targetOnlySeconds / seconds,
            Median(stats.Select(s => s.Speedup)),
            measurements.Sum(m => m.TargetSeconds),
            measurements.Sum(m => m.DrafterSeconds),
            measurements.Sum(m => m.OtherSeconds),
            measurements.Sum(m => m.PredictionSeconds),
            measurements.All(m => m.Identical));
    }

    public static void Log(SpeculateBatchSummary summary)
    {
        foreach (var p in summary.Prompts)
        {
            CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
                $"[{p.Index}] {CliOutput.Plural(p.Tokens, "token")}, acceptance {Format(p.AcceptanceRate)}, block efficiency "
                + $"{p.BlockEfficiency:F2}, {p.TokensPerSecond:F1} tok/s vs {p.TargetOnlyTokensPerSecond:F1} target-only, "
                + $"speed-up {p.Speedup:F2}{(p.IdenticalToTargetOnly ? "" : ", differs from target-only")}"));
        }

        var a = summary.Aggregate;
        var prediction = a.PredictionSeconds > 0
            ? string.Create(CultureInfo.InvariantCulture, $", predicted acceptance {a.PredictionSeconds:F2} s")
            : "";
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{SpeculateCommand.Name}: {CliOutput.Plural(a.Prompts, "prompt")}, {CliOutput.Plural(a.Tokens, "token")}; acceptance "
            + $"{Format(a.AcceptanceRate)}; per compared position {Format(a.ObservedAcceptance)} (predicted {Format(a.PredictedAcceptance)}); "
            + $"block efficiency {a.BlockEfficiency:F2}; τ {Format(a.MeanAcceptedLength)}; {a.TokensPerSecond:F1} tok/s vs "
            + $"{a.TargetOnlyTokensPerSecond:F1} target-only; speed-up {a.Speedup:F2} (median per prompt {a.MedianSpeedup:F2}); "
            + $"time in target {a.TargetSeconds:F2} s, drafter {a.DrafterSeconds:F2} s, other {a.OtherSeconds:F2} s{prediction}"));
    }

    internal static IReadOnlyList<int> SumHistograms(IEnumerable<IReadOnlyList<int>> histograms)
    {
        var all = histograms.ToList();
        var sum = new int[all.Count == 0 ? 0 : all.Max(h => h.Count)];
        foreach (var histogram in all)
        {
            for (var i = 0; i < histogram.Count; i++)
                sum[i] += histogram[i];
        }

        return sum;
    }

    internal static string Format(double? value) =>
        value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
