using System.Globalization;
using DISD.Decoding;
using DISD.IO;
using DISD.Tokenization;

namespace DISD.Cli.Commands;

/// <summary>One category of a --questions run: τ, tokens/s and speed-up, mean and sample std over the repeats.</summary>
internal sealed record SpeculateCategoryStats(
    string Category,
    int Questions,
    double? MeanAcceptedLength,
    double TokensPerSecond,
    double? TokensPerSecondStd,
    double TargetOnlyTokensPerSecond,
    double? TargetOnlyTokensPerSecondStd,
    double Speedup,
    double? SpeedupStd,
    bool IdenticalToTargetOnly);

/// <summary>The <c>--json</c> object of a <c>--questions</c> run.</summary>
internal sealed record SpeculateQuestionsSummary(
    SpeculateConfig Config,
    int Repeats,
    int Questions,
    string? Answers,
    string? BaselineAnswers,
    IReadOnlyList<SpeculateCategoryStats> Categories);

/// <summary>
/// <c>--questions</c>: every question of a Spec-Bench question file, turn by turn in the target's chat template (later
/// turns follow the model's own earlier answers), decoded speculatively and by the target alone, interleaved per
/// question. Statistics follow Spec-Bench's evaluation/speed.py: per question Σ tokens / Σ wall time, averaged over
/// the category; speed-up = that mean over the target-only one; τ = mean of accept_lengths. With --repeats the whole
/// set runs again and each statistic is given as mean and sample std (ddof = 1) over the repeats.
/// </summary>
internal sealed class SpeculateQuestions(SpeculateRunner runner, TextTokenizer tokenizer, IReadOnlyList<int> eos, DateTime chatDate)
{
    public const string Overall = "overall";

    private sealed record Run(IReadOnlyList<DecodingResult> Turns, SpecBenchChoice Choice);

    private sealed record QuestionRuns(SpecBenchQuestion Question, Run Speculative, Run TargetOnly);

    public (SpeculateQuestionsSummary Summary, IReadOnlyList<SpecBenchAnswer> Answers, IReadOnlyList<SpecBenchAnswer> Baseline,
        IReadOnlyList<(SpecBenchQuestion Question, IReadOnlyList<DecodingResult> Turns)> FirstRuns)
        Measure(IReadOnlyList<SpecBenchQuestion> questions, int repeats, SpeculateConfig config, string modelId, string? answers,
            string? baselineAnswers)
    {
        var warmUp = Prompt([new ChatMessage("user", questions[0].Turns[0])]);
        runner.Decode(warmUp);
        runner.TargetOnly(warmUp);
        var runs = CliProgress.Run("repeats × questions", repeats * questions.Count, progress =>
        {
            var all = new List<IReadOnlyList<QuestionRuns>>();
            for (var r = 0; r < repeats; r++)
            {
                var repeat = new List<QuestionRuns>();
                foreach (var question in questions)
                {
                    repeat.Add(new QuestionRuns(question, Answer(question, runner.Decode), Answer(question, runner.TargetOnly)));
                    progress.Report(r * questions.Count + repeat.Count);
                }

                all.Add(repeat);
            }

            return all;
        });
        var categories = questions.Select(q => q.Category).Distinct().Append(Overall)
            .Select(category => Stats(category, runs)).ToList();
        var first = runs[0];
        var summary = new SpeculateQuestionsSummary(config, repeats, questions.Count, answers, baselineAnswers, categories);
        return (summary,
            first.Select(q => new SpecBenchAnswer(q.Question, modelId, q.Speculative.Choice)).ToList(),
            first.Select(q => new SpecBenchAnswer(q.Question, $"{config.Target}-target-only", q.TargetOnly.Choice)).ToList(),
            first.Select(q => (q.Question, q.Speculative.Turns)).ToList());
    }

    public static void Log(SpeculateQuestionsSummary summary)
    {
        CliOutput.Log("| category | questions | τ | tok/s | target-only tok/s | speed-up | = target-only |");
        CliOutput.Log("|---|---|---|---|---|---|---|");
        foreach (var c in summary.Categories)
        {
            CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Category} | {c.Questions} | {SpeculateBatch.Format(c.MeanAcceptedLength)} | {WithStd(c.TokensPerSecond, c.TokensPerSecondStd, "F1")} | "
                    + $"{WithStd(c.TargetOnlyTokensPerSecond, c.TargetOnlyTokensPerSecondStd, "F1")} | {WithStd(c.Speedup, c.SpeedupStd, "F2")} | "
                        + $"{(c.IdenticalToTargetOnly ? "yes" : "no")} |"));
        }
    }

    private static string WithStd(double mean, double? std, string format) =>
        std is { } s ? $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± "
            + $"{s.ToString(format, CultureInfo.InvariantCulture)}" : mean.ToString(format, CultureInfo.InvariantCulture);

    private Run Answer(SpecBenchQuestion question, Func<IReadOnlyList<int>, SpeculateOutcome> decode)
    {
        var messages = new List<ChatMessage>();
        var results = new List<DecodingResult>();
        var texts = new List<string>();
        foreach (var turn in question.Turns)
        {
            messages.Add(new ChatMessage("user", turn));
            var result = decode(Prompt(messages)).Result;
            var text = tokenizer.Decode(result.Tokens.Where(t => !eos.Contains(t)).ToList()).Trim();
            messages.Add(new ChatMessage("assistant", text));
            results.Add(result);
            texts.Add(text);
        }

        return new Run(results, new SpecBenchChoice(texts, results.Select(r => r.Rounds.Count).ToList(),
            results.Select(r => r.Tokens.Count).ToList(), results.Select(r => r.Seconds).ToList(),
            results.SelectMany(r => r.Rounds.Select(x => x.Emitted)).ToList()));
    }

    private IReadOnlyList<int> Prompt(IReadOnlyList<ChatMessage> messages) => tokenizer.EncodeChat(messages, chatDate).Ids;

    private static SpeculateCategoryStats Stats(string category, IReadOnlyList<IReadOnlyList<QuestionRuns>> runs)
    {
        var perRepeat = runs.Select(repeat => repeat.Where(q => category == Overall || q.Question.Category == category).ToList()).ToList();
        var speeds = perRepeat.Select(qs => qs.Average(q => Speed(q.Speculative.Choice))).ToList();
        var baseline = perRepeat.Select(qs => qs.Average(q => Speed(q.TargetOnly.Choice))).ToList();
        var speedups = speeds.Zip(baseline, (s, b) => s / b).ToList();
        var accepts = perRepeat.SelectMany(qs => qs.SelectMany(q => q.Speculative.Choice.AcceptLengths)).ToList();
        var identical = perRepeat[0].All(q => q.Speculative.Turns.Zip(q.TargetOnly.Turns).All(t => t.First.Tokens.SequenceEqual(t.Second.Tokens)));
        return new SpeculateCategoryStats(category, perRepeat[0].Count, accepts.Count > 0 ? accepts.Average() : null,
            speeds.Average(), Std(speeds), baseline.Average(), Std(baseline), speedups.Average(), Std(speedups), identical);
    }

    private static double Speed(SpecBenchChoice choice) => choice.NewTokens.Sum() / choice.WallTime.Sum();

    private static double? Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
