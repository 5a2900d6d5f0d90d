using DISD.Models;

namespace DISD.Cli.Commands;

/// <summary>
/// speculate --prompts-file: every line (or --shard's share) is a prompt; a line past a model's context is left out
/// alone (logged, in --json failed, exit 3). Reports per-prompt and aggregate statistics and the texts on stdout.
/// </summary>
internal static class SpeculateBatchMode
{
    public static int Run(SpeculateRequest request)
    {
        var o = request.Options;
        var parse = request.Parse;
        var allLines = SpeculatePrompt.ReadLines(parse.GetValue(o.PromptsFile)!);
        IReadOnlyList<int> indices = (request.Shard ?? Batch.ShardSpec.All).Select(allLines.Count);
        IReadOnlyList<string> lines = indices.Select(i => allLines[i].Text).ToList();
        var lineNumbers = indices.Select(i => allLines[i].Line).ToList();
        var failed = new List<SpeculateFailedPrompt>();
        if (lines.Count == 0)
        {
            CliOutput.Log($"{SpeculateCommand.Name}: shard {request.Shard} holds no prompt of {parse.GetValue(o.PromptsFile)}; nothing to do");
            return CliApp.Success;
        }

        using var session = request.Load((tokenizer, sharedVocab) => request.Prompts(tokenizer, sharedVocab, lines, lineNumbers),
            (dirs, prompts) =>
            {
                (var kept, lines, indices) = WithinContext(request, dirs, prompts, lines, lineNumbers, indices, failed);
                return kept;
            });
        var config = session.Config;
        if (lines.Count == 0)
        {
            CliOutput.Log($"{SpeculateCommand.Name}: every prompt failed; nothing to measure");
            if (request.Json)
                CliOutput.Json(new { Config = config, Shard = request.Shard?.ToString(), Failed = failed });
            return CliApp.SomePromptsFailed;
        }

        var tokenizer = session.Models.Tokenizer;
        var (summary, firstRuns) = SpeculateBatch.Run(session.Runner, lines, session.Prompts, request.Repeats, config, indices,
            ids => tokenizer.Decode(ids));
        summary = summary with { Shard = request.Shard?.ToString(), Failed = failed };
        if (request.Trace is not null)
        {
            var traceLines = new SpeculateTrace();
            for (var i = 0; i < firstRuns.Count; i++)
                traceLines.Add(firstRuns[i], prompt: indices[i]);
            traceLines.Write(request.Trace);
        }

        SpeculateBatch.Log(summary);
        if (request.Json)
        {
            CliOutput.Json(summary);
        }
        else
        {
            // Plain mode: the generated texts on stdout, one per prompt, so that `disd speculate … > out.txt` keeps them.
            foreach (var prompt in summary.Prompts) Console.Out.WriteLine(prompt.Text);
        }

        if (request.Verify && !summary.Aggregate.AllIdenticalToTargetOnly)
        {
            CliOutput.Error("--verify: the speculative output differs from target-only decoding for at least one prompt");
            return CliApp.UnexpectedError;
        }

        return failed.Count > 0 ? CliApp.SomePromptsFailed : CliApp.Success;
    }

    /// <summary>
    /// The prompts that fit both models' context (or --allow-beyond-context); each other one is left out alone,
    /// named by its line (logged, in --json failed, exit 3), so that one over-long line does not refuse the whole file.
    /// </summary>
    private static (IReadOnlyList<IReadOnlyList<int>>, List<string>, IReadOnlyList<int>) WithinContext(SpeculateRequest request,
        IReadOnlyList<(string Dir, string Label)> models, IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> lines,
        IReadOnlyList<int> lineNumbers, IReadOnlyList<int> indices, List<SpeculateFailedPrompt> failed)
    {
        var o = request.Options;
        var keep = new List<int>();
        for (var i = 0; i < prompts.Count; i++)
        {
            try
            {
                foreach (var (dir, label) in models)
                {
                    ContextWindow.Check(dir, label, prompts[i].Count, request.Settings.Options.MaxNewTokens, o.MaxNewTokens.Name,
                        request.Parse.GetValue(o.AllowBeyondContext));
                }
                keep.Add(i);
            }
            catch (DisdException e)
            {
                var message = $"{request.LineLabel(lineNumbers[i])}: {e.Message}";
                CliOutput.Log($"{SpeculateCommand.Name}: failed: {message}");
                failed.Add(new SpeculateFailedPrompt(indices[i], lineNumbers[i], lines[i], message));
            }
        }

        return (keep.Select(i => prompts[i]).ToList(), keep.Select(i => lines[i]).ToList(), keep.Select(i => indices[i]).ToList());
    }
}
