using System.Globalization;
using DISD.Decoding;

namespace DISD.Cli.Commands;

/// <summary>
/// speculate with one prompt (--input-text or --prompt-ids): decodes it, optionally checks it against target-only
/// decoding (--verify), and prints the text (or, with --json, the summary) on stdout.
/// </summary>
internal static class SpeculateSingleMode
{
    private const string NearTie = "a near tie: numeric drift is plausible";
    private const string NotANearTie = "not a near tie: look for an algorithmic bug";

    public static int Run(SpeculateRequest request)
    {
        using var session = request.Load((tokenizer, sharedVocab) => request.Prompts(tokenizer, sharedVocab));
        var (models, config, runner) = (session.Models, session.Config, session.Runner);
        var prompt = session.Prompts[0];
        var outcome = runner.Decode(prompt);
        bool? verified = null;
        SpeculateDivergence? divergence = null;
        if (request.Verify)
        {
            var reference = runner.TargetOnly(prompt).Result.Tokens;
            verified = reference.SequenceEqual(outcome.Result.Tokens);
            if (verified == false)
                divergence = SpeculateDivergence.From(Divergence.Find(models.Target, prompt, outcome.Result.Tokens, reference));
        }

        if (request.Trace is not null)
        {
            var traceLines = new SpeculateTrace();
            traceLines.Add(outcome.Result);
            traceLines.Write(request.Trace);
        }

        var text = models.Tokenizer.Decode(outcome.Result.Tokens);
        var summary = SpeculateSummary.From(config, prompt.Count, outcome, text, verified, divergence);
        LogSummary(summary);
        if (request.Json)
        {
            CliOutput.Json(summary);
        }
        else
        {
            // Plain mode: the generated text is the result, on stdout (statistics stay on stderr).
            Console.Out.WriteLine(summary.Text);
        }

        if (divergence is { } d)
        {
            CliOutput.Error(string.Create(CultureInfo.InvariantCulture,
                $"--verify: the speculative output differs from target-only decoding with the same seed, first at output position {d.Position}: "
                + $"speculative token {d.SpeculativeToken}, target-only token {d.TargetOnlyToken}; the target's top-1/top-2 logit margin there is "
                + $"{d.TopLogitMargin:G4} ({(d.TopLogitMargin < 1e-3 ? NearTie : NotANearTie)})"));
            return CliApp.UnexpectedError;
        }

        return CliApp.Success;
    }

    private static void LogSummary(SpeculateSummary s)
    {
        string F(double? value) => SpeculateBatch.Format(value);
        var prediction = s.PredictionSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", predicted acceptance {s.PredictionSeconds:F2} s") : "";
        var verified = s.Verified is { } v ? v ? "; verified identical to target-only" : "; DIFFERS from target-only" : "";
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{SpeculateCommand.Name}: {CliOutput.Plural(s.TokenIds.Count, "token")}{(s.EndedWithEos ? " (stopped at EOS)" : "")} in {s.Seconds:F2} s "
            + $"({s.TokensPerSecond:F1} tok/s); acceptance {F(s.AcceptanceRate)}; per compared position {F(s.ObservedAcceptance)} "
            + $"(predicted {F(s.PredictedAcceptance)}); block efficiency {s.BlockEfficiency:F2}, τ {F(s.MeanAcceptedLength)} "
            + $"({s.TargetCalls} target calls incl. the prefill, {s.DrafterCalls} drafter calls); time in target {s.TargetSeconds:F2} s, "
            + $"drafter {s.DrafterSeconds:F2} s, other {s.OtherSeconds:F2} s{prediction}{verified}"));
    }
}
