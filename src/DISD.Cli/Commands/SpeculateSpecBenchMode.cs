using DISD.IO;

namespace DISD.Cli.Commands;

/// <summary>
/// speculate --questions: Spec-Bench's question.jsonl, every turn through the chat template; a per-category table of
/// τ, tok/s and speed-up over target-only decoding, and optionally the answers in Spec-Bench's format.
/// </summary>
internal static class SpeculateSpecBenchMode
{
    public static int Run(SpeculateRequest request)
    {
        var o = request.Options;
        var parse = request.Parse;
        using var session = request.Load((tokenizer, sharedVocab) => request.Prompts(tokenizer, sharedVocab));
        var config = session.Config;
        var questions = SpecBenchFiles.ReadQuestions(parse.GetValue(o.Questions)!, o.Questions.Name);
        var answers = parse.GetValue(o.Answers);
        var baselineAnswers = parse.GetValue(o.BaselineAnswers);
        var chatDate = CliOptions.ParseChatDate(parse.GetValue(o.ChatDate), o.ChatDate);
        var modelId = $"{config.Method}-{config.Coupling}-{config.Target}-{config.Drafter}";
        var models = session.Models;
        var (summary, answerLines, baselineLines, firstRuns) = new SpeculateQuestions(session.Runner, models.Tokenizer,
                models.Target.EosTokenIds, chatDate)
            .Measure(questions, request.Repeats, config, modelId, answers, baselineAnswers);
        if (answers is not null)
            SpecBenchFiles.WriteAnswers(answers, answerLines);
        if (baselineAnswers is not null)
            SpecBenchFiles.WriteAnswers(baselineAnswers, baselineLines);
        if (request.Trace is not null)
        {
            var traceLines = new SpeculateTrace();
            foreach (var (question, turns) in firstRuns)
            {
                for (var t = 0; t < turns.Count; t++)
                    traceLines.Add(turns[t], questionId: question.IdText, turn: t);
            }

            traceLines.Write(request.Trace);
        }

        SpeculateQuestions.Log(summary);
        if (request.Json)
        {
            CliOutput.Json(summary);
        }

        if (request.Verify && summary.Categories.Any(c => !c.IdenticalToTargetOnly))
        {
            CliOutput.Error("--verify: the speculative answers differ from target-only decoding for at least one question");
            return CliApp.UnexpectedError;
        }

        return CliApp.Success;
    }
}
