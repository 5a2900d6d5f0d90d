using System.CommandLine;
using System.Globalization;
using DISD.Decoding;
using DISD.IO;
using DISD.Models;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd speculate</c>: speculative decoding with a drafter (drafter-invariant DISD or standard), or the target
/// alone (<c>--drafter none</c>). Stops at the target's end-of-sequence token or after --max-new-tokens.
/// </summary>
public sealed class SpeculateCommand
{
    public const string Name = "speculate";

    private readonly Option<string> Target = CliOptions.Text("--target",
        "Target model: a checkpoint folder, a Hugging Face repo id, or a demo model (gemma2-wordnet-large|medium|small)", SpeculateModels.DefaultTarget,
        "--model-large", "--model_large");
    private readonly Option<string> Drafter = CliOptions.Text("--drafter",
        "Drafter model (same forms as --target), ngram for prompt-lookup drafting (no model), or none for target-only decoding", SpeculateModels.DefaultDrafter,
        "--model-small", "--model_small");
    private readonly Option<int> NgramMin = CliOptions.Int("--ngram-min", "With --drafter ngram: shortest suffix n-gram to look up", 1, "--ngram_min");
    private readonly Option<int> NgramMax = CliOptions.Int("--ngram-max", "With --drafter ngram: longest suffix n-gram to look up (tried first)", 3, "--ngram_max");
    private readonly Option<string?> InputText = new("--input-text", "--input_text") { Description = "The prompt as text" };
    private readonly Option<string?> PromptIds = new("--prompt-ids", "--prompt_ids") { Description = "The prompt as token ids, comma-separated" };
    private readonly Option<string?> PromptsFile = new("--prompts-file", "--prompts_file")
    {
        Description = "Batch mode: one prompt (text) per line, - for standard input; "
            + "reports per-prompt and aggregate statistics and the speed-up over target-only decoding",
    };
    private readonly Option<string?> Questions = new("--questions")
    {
        Description = "Spec-Bench mode: a question.jsonl (question_id, category, turns); every turn through the chat template, with a per-category table of τ, tok/s and speed-up over target-only decoding",
    };
    private readonly Option<string?> Answers = new("--answers")
    {
        Description = "With --questions: write the answers in Spec-Bench's format (choices[0]: turns, new_tokens, wall_time, accept_lengths)",
    };
    private readonly Option<string?> BaselineAnswers = new("--baseline-answers")
    {
        Description = "With --questions: also write the target-only answers (Spec-Bench's speed.py --base-path)",
    };
    private readonly Option<string?> Trace = new("--trace")
    {
        Description = "Write one JSON line per draft-and-verify round: drafts, the target's samples, accepted count, agreement, time split",
        HelpName = "FILE.jsonl",
    };
    private readonly Option<bool> Chat = new("--chat") { Description = "Wrap the text prompt(s) in the target's own chat template (a built-in one when the checkpoint has none)" };
    private readonly Option<string?> ChatDate = CliOptions.ChatDate();
    private readonly Option<int> MaxNewTokens = CliOptions.Int("--max-new-tokens", "Upper bound on generated tokens", 64, "--max_new_tokens", "--num-tokens", "--num_tokens");
    private readonly Option<bool> IgnoreEos = new("--ignore-eos", "--ignore_eos")
    {
        Description = "Generate exactly --max-new-tokens tokens, past end-of-sequence tokens (benchmarks with fixed lengths)",
    };
    private readonly Option<bool> AllowBeyondContext = new(ContextWindow.AllowOption)
    {
        Description = "Run even when the prompt plus --max-new-tokens exceeds a model's max_position_embeddings (otherwise an error)",
    };
    private readonly Option<string> DraftLengthOption = CliOptions.Text("--draft-length",
        "Drafted tokens per step: a positive integer k, or auto (adapts k to the acceptance)", "4", "-k");
    private readonly Option<string> Coupling = new("--coupling")
    {
        Description = "Coupling of the public randomness: gumbel or wmh (weighted MinHash)",
        DefaultValueFactory = _ => "gumbel",
        HelpName = "gumbel|wmh",
    };
    private readonly Option<string> Method = new("--method")
    {
        Description = "disd (drafter-invariant: output equals target-only decoding) or standard (Leviathan et al. 2023)",
        DefaultValueFactory = _ => "disd",
        HelpName = "disd|standard",
    };
    private readonly Option<int> NumDrafts = CliOptions.Int("--num-drafts",
        "K: drafts per position with Gumbel list sampling (--coupling gumbel --method disd); the drafter's K branches are verified as one tree. The output equals target-only decoding with the same seed and K", 1, "--num_drafts");
    private readonly Option<double> Temperature = new("--temperature")
    {
        Description = $"Sampling temperature; 0 = greedy, otherwise at least {DecodingOptions.MinTemperature}",
        DefaultValueFactory = _ => 1.0,
    };
    private readonly CliSampling Sampling = new();
    private readonly Option<ulong> Seed = CliOptions.Seed();
    private readonly Option<string> Device = CliOptions.Device();
    private readonly Option<string> DType = new("--dtype")
    {
        Description = "Compute dtype: auto (bfloat16 on CUDA, float32 on CPU), bfloat16, float16 or float32 (also bf16, fp16, fp32)",
        DefaultValueFactory = _ => "auto",
        HelpName = "auto|bfloat16|float16|float32",
    };
    private readonly Option<bool> Verify = new("--verify")
    {
        Description = "Also decode with the target alone and fail unless the tokens are identical (--method disd)",
    };
    private readonly Option<bool> NoPrediction = new("--no-predicted-acceptance")
    {
        Description = "Skip the exact predicted acceptance (a sort of the vocabulary per drafted position); it is then null",
    };
    private readonly Option<int> Repeats = CliOptions.Int("--repeats", "With --prompts-file: timed runs per prompt (medians are reported); with --questions: runs of the whole set (mean and std)", 1);
    private readonly Option<int> Threads = CliOptions.Int("--threads",
        "Torch intra-op CPU threads; 0 keeps libtorch's default (tiny models often run fastest with 1)", 0);
    private readonly Option<string?> Shard = BatchOptions.Shard();
    private readonly Option<bool> Json = CliOptions.Json();

    public static Command Create() => new SpeculateCommand().Build();

    private Command Build()
    {
        var command = new Command(Name, "Generate with speculative decoding (drafter-invariant DISD or standard) and report acceptance, block efficiency and speed")
        {
            Target, Drafter, NgramMin, NgramMax, InputText, PromptIds, PromptsFile, Questions, Answers, BaselineAnswers, Chat, ChatDate,
            MaxNewTokens, AllowBeyondContext, DraftLengthOption, NumDrafts, Coupling, Method, Temperature, Seed, Device, DType, Verify, NoPrediction, Repeats, Threads,
            Trace, IgnoreEos, Shard, Json,
        };
        foreach (var option in Sampling.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        var settings = ReadSettings(parse);
        var promptSource = RequireOnePromptSource(parse);
        var device = DeviceSelector.Resolve(parse.GetRequiredValue(Device));
        var dtype = ResolveDType(parse.GetRequiredValue(DType), device);
        var verify = parse.GetValue(Verify);
        if (verify && settings.Method != SpeculativeMethod.Disd)
        {
            throw new DisdException("--verify checks that the output equals target-only decoding, which only --method disd guarantees");
        }

        if (promptSource == PromptIds && parse.GetValue(Chat))
        {
            throw new DisdException($"{Chat.Name} applies to a text prompt; {PromptIds.Name} are used as given");
        }

        if (promptSource != Questions && (parse.GetResult(Answers) is not null || parse.GetResult(BaselineAnswers) is not null))
        {
            throw new DisdException($"{Answers.Name} and {BaselineAnswers.Name} go with {Questions.Name}");
        }

        var repeats = CliOptions.RequirePositive(parse.GetValue(Repeats), Repeats);
        var trace = SpeculateTrace.RequirePath(parse.GetValue(Trace), Trace.Name);
        SetThreads(RequestLimits.Threads(parse.GetValue(Threads), Threads));
        var shard = BatchOptions.ReadShard(parse, Shard);
        if (shard is not null && promptSource != PromptsFile)
            throw new DisdException($"{Shard.Name} splits a {PromptsFile.Name}; give one, or leave out {Shard.Name} for a single prompt");
        var allLines = promptSource == PromptsFile ? SpeculatePrompt.ReadLines(parse.GetValue(PromptsFile)!) : null;
        IReadOnlyList<int> indices = allLines is null ? [0] : (shard ?? Batch.ShardSpec.All).Select(allLines.Count);
        var lines = allLines is null ? null : indices.Select(i => allLines[i].Text).ToList();
        var lineNumbers = allLines is null ? null : indices.Select(i => allLines[i].Line).ToList();
        var failed = new List<SpeculateFailedPrompt>();
        if (lines is { Count: 0 })
        {
            CliOutput.Log($"{Name}: shard {shard} holds no prompt of {parse.GetValue(PromptsFile)}; nothing to do");
            return CliApp.Success;
        }

        IReadOnlyList<IReadOnlyList<int>> prompts = [];
        var drafterArg = settings.Ngram is null ? parse.GetRequiredValue(Drafter) : SpeculateModels.None;
        using var models = SpeculateModels.Load(parse.GetRequiredValue(Target), drafterArg, parse.GetRequiredValue(Device), dtype,
            (tokenizer, sharedVocab, dirs) =>
            {
                prompts = Prompts(parse, promptSource, lines, lineNumbers, tokenizer, sharedVocab);
                RequireMultiDraft(settings, sharedVocab);
                if (lines is not null)
                    (prompts, lines, indices) = WithinContext(dirs, prompts, lines, lineNumbers!, indices, settings, parse, failed);
                CheckRequest(dirs, prompts, settings, parse.GetValue(AllowBeyondContext), device, dtype);
            });
        var config = Config(parse, settings, models, device, dtype);
        var runner = new SpeculateRunner(models.Target, models.Drafter, settings);
        // Both models as they were named (the folders are in --json), and every option that shapes a round, --num-drafts included.
        CliOutput.Log($"{Name}: target {config.Target}, drafter {config.Drafter}, {config.Method}, {config.Coupling}, {config.Sampling}, "
            + $"k {config.DraftLength}, num-drafts {config.NumDrafts}, seed {config.Seed}, {device}, {config.Dtype}; "
            + config.Runtime.Describe());

        if (lines is not null)
        {
            if (lines.Count == 0)
            {
                CliOutput.Log($"{Name}: every prompt failed; nothing to measure");
                if (parse.GetValue(Json))
                    CliOutput.Json(new { Config = config, Shard = shard?.ToString(), Failed = failed });
                return CliApp.SomePromptsFailed;
            }

            return RunBatch(parse, runner, config, lines, prompts, repeats, verify, indices, models.Tokenizer, shard, trace, failed);
        }

        if (promptSource == Questions)
        {
            return RunQuestions(parse, models, runner, config, repeats, verify, trace);
        }

        var prompt = prompts[0];
        var outcome = runner.Decode(prompt);
        bool? verified = null;
        SpeculateDivergence? divergence = null;
        if (verify)
        {
            var reference = runner.TargetOnly(prompt).Result.Tokens;
            verified = reference.SequenceEqual(outcome.Result.Tokens);
            if (verified == false)
                divergence = SpeculateDivergence.From(Divergence.Find(models.Target, prompt, outcome.Result.Tokens, reference));
        }

        if (trace is not null)
        {
            var traceLines = new SpeculateTrace();
            traceLines.Add(outcome.Result);
            traceLines.Write(trace);
        }

        var text = models.Tokenizer.Decode(outcome.Result.Tokens);
        var summary = SpeculateSummary.From(config, prompt.Count, outcome, text, verified, divergence);
        LogSummary(summary);
        if (parse.GetValue(Json))
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
                $"--verify: the speculative output differs from target-only decoding with the same seed, first at output position {d.Position}: speculative token {d.SpeculativeToken}, target-only token {d.TargetOnlyToken}; the target's top-1/top-2 logit margin there is {d.TopLogitMargin:G4} ({(d.TopLogitMargin < 1e-3 ? "a near tie: numeric drift is plausible" : "not a near tie: look for an algorithmic bug")})"));
            return CliApp.UnexpectedError;
        }

        return CliApp.Success;
    }

    private int RunBatch(ParseResult parse, SpeculateRunner runner, SpeculateConfig config, IReadOnlyList<string> lines,
        IReadOnlyList<IReadOnlyList<int>> ids, int repeats, bool verify, IReadOnlyList<int> indices, Tokenization.TextTokenizer tokenizer, Batch.ShardSpec? shard,
        string? trace, IReadOnlyList<SpeculateFailedPrompt> failed)
    {
        var (summary, firstRuns) = SpeculateBatch.Run(runner, lines, ids, repeats, config, indices, ids => tokenizer.Decode(ids));
        summary = summary with { Shard = shard?.ToString(), Failed = failed };
        if (trace is not null)
        {
            var traceLines = new SpeculateTrace();
            for (var i = 0; i < firstRuns.Count; i++)
                traceLines.Add(firstRuns[i], prompt: indices[i]);
            traceLines.Write(trace);
        }

        SpeculateBatch.Log(summary);
        if (parse.GetValue(Json))
        {
            CliOutput.Json(summary);
        }
        else
        {
            // Plain mode: the generated texts on stdout, one per prompt, so that `disd speculate … > out.txt` keeps them.
            foreach (var prompt in summary.Prompts) Console.Out.WriteLine(prompt.Text);
        }

        if (verify && !summary.Aggregate.AllIdenticalToTargetOnly)
        {
            CliOutput.Error("--verify: the speculative output differs from target-only decoding for at least one prompt");
            return CliApp.UnexpectedError;
        }

        return failed.Count > 0 ? CliApp.SomePromptsFailed : CliApp.Success;
    }

    private int RunQuestions(ParseResult parse, SpeculateModels models, SpeculateRunner runner, SpeculateConfig config, int repeats,
        bool verify, string? trace)
    {
        var questions = SpecBenchFiles.ReadQuestions(parse.GetValue(Questions)!, Questions.Name);
        var answers = parse.GetValue(Answers);
        var baselineAnswers = parse.GetValue(BaselineAnswers);
        var chatDate = CliOptions.ParseChatDate(parse.GetValue(ChatDate), ChatDate);
        var modelId = $"{config.Method}-{config.Coupling}-{config.Target}-{config.Drafter}";
        var (summary, answerLines, baselineLines, firstRuns) = new SpeculateQuestions(runner, models.Tokenizer, models.Target.EosTokenIds, chatDate)
            .Measure(questions, repeats, config, modelId, answers, baselineAnswers);
        if (answers is not null)
            SpecBenchFiles.WriteAnswers(answers, answerLines);
        if (baselineAnswers is not null)
            SpecBenchFiles.WriteAnswers(baselineAnswers, baselineLines);
        if (trace is not null)
        {
            var traceLines = new SpeculateTrace();
            foreach (var (question, turns) in firstRuns)
            {
                for (var t = 0; t < turns.Count; t++)
                    traceLines.Add(turns[t], questionId: question.IdText, turn: t);
            }

            traceLines.Write(trace);
        }

        SpeculateQuestions.Log(summary);
        if (parse.GetValue(Json))
        {
            CliOutput.Json(summary);
        }

        if (verify && summary.Categories.Any(c => !c.IdenticalToTargetOnly))
        {
            CliOutput.Error("--verify: the speculative answers differ from target-only decoding for at least one question");
            return CliApp.UnexpectedError;
        }

        return CliApp.Success;
    }

    private SpeculateSettings ReadSettings(ParseResult parse)
    {
        var maxNewTokens = RequestLimits.Tokens(parse.GetValue(MaxNewTokens), MaxNewTokens);
        var temperature = RequestLimits.Temperature(parse.GetValue(Temperature), Temperature, zeroIsGreedy: true);

        var coupling = parse.GetRequiredValue(Coupling).Trim().ToLowerInvariant() switch
        {
            "gumbel" => CouplingKind.Gumbel,
            "wmh" => CouplingKind.WeightedMinHash,
            var other => throw new DisdException($"--coupling '{other}' is not a coupling; expected gumbel or wmh"),
        };
        var method = parse.GetRequiredValue(Method).Trim().ToLowerInvariant() switch
        {
            "disd" => SpeculativeMethod.Disd,
            "standard" => SpeculativeMethod.Standard,
            var other => throw new DisdException($"--method '{other}' is not a method; expected disd or standard"),
        };
        DraftLength draftLength;
        try
        {
            draftLength = DraftLength.Parse(parse.GetRequiredValue(DraftLengthOption));
        }
        catch (ArgumentException e)
        {
            throw new DisdException(e.Message.TrimEnd('.'), e);
        }

        var (topK, topP, minP) = Sampling.Read(parse);
        var options = new DecodingOptions(maxNewTokens, temperature, parse.GetValue(Seed), coupling,
            StopAtEos: !parse.GetValue(IgnoreEos), ComputePredictedAcceptance: !parse.GetValue(NoPrediction), TopK: topK, TopP: topP, MinP: minP,
            NumDrafts: parse.GetValue(NumDrafts));
        var settings = new SpeculateSettings(options, method, draftLength, ReadNgram(parse));
        // Everything but the size bound, which needs the vocabulary (checked again once it is known).
        RequireMultiDraft(settings, vocab: 2);
        return settings;
    }

    /// <summary>--num-drafts against the coupling, the method, the drafter and (given the vocabulary) memory.</summary>
    private static void RequireMultiDraft(SpeculateSettings settings, int vocab)
    {
        var speculative = new SpeculativeOptions(settings.Method, settings.DraftLength);
        if (MultiDraftLimits.Problem(settings.Options, speculative, vocab, modelDrafter: settings.Ngram is null) is { } problem)
            throw new DisdException(problem);
    }

    /// <summary>The n-gram drafter when --drafter is ngram (its range checked either way).</summary>
    private NgramDrafter? ReadNgram(ParseResult parse)
    {
        NgramDrafter ngram;
        try
        {
            ngram = new NgramDrafter(parse.GetValue(NgramMin), parse.GetValue(NgramMax));
        }
        catch (ArgumentException e)
        {
            throw new DisdException(e.Message.TrimEnd('.'), e);
        }

        return string.Equals(parse.GetRequiredValue(Drafter).Trim(), NgramDrafter.Name, StringComparison.OrdinalIgnoreCase) ? ngram : null;
    }

    /// <summary>Exactly one of --input-text, --prompt-ids and --prompts-file.</summary>
    private Option RequireOnePromptSource(ParseResult parse)
    {
        var given = new Option[] { InputText, PromptIds, PromptsFile, Questions }.Where(o => parse.GetResult(o) is not null).ToList();
        return given.Count switch
        {
            1 => given[0],
            0 => throw new DisdException($"no prompt: give {InputText.Name}, {PromptIds.Name}, {PromptsFile.Name} or {Questions.Name}"),
            _ => throw new DisdException($"give only one of {string.Join(", ", given.Select(o => o.Name))}"),
        };
    }

    private static void SetThreads(int threads)
    {
        if (threads > 0)
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    private static ScalarType ResolveDType(string value, Device device) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "half" => ScalarType.Float16,
        "float32" or "fp32" or "float" => ScalarType.Float32,
        _ => throw new DisdException($"--dtype '{value}' is not a dtype; expected auto, bfloat16, float16 or float32 (or bf16, fp16, fp32)"),
    };

    private SpeculateConfig Config(ParseResult parse, SpeculateSettings settings, SpeculateModels models, Device device, ScalarType dtype)
    {
        var hasDrafter = models.Drafter is not null || settings.Ngram is not null;
        var options = settings.Options;
        var coupling = options.Temperature == 0 ? "greedy" : options.Coupling == CouplingKind.Gumbel ? "gumbel" : "wmh";
        return new SpeculateConfig(
            hasDrafter ? settings.Method.ToString().ToLowerInvariant() : "target-only",
            coupling,
            hasDrafter && !settings.DraftLength.IsAdaptive ? settings.DraftLength.Initial : null,
            hasDrafter ? settings.DraftLength.ToString() : "0",
            options.Seed,
            options.Temperature,
            options.TopK,
            options.TopP,
            options.MinP,
            options.Transform.Describe(),
            options.NumDrafts,
            options.MaxNewTokens,
            !options.StopAtEos,
            parse.GetRequiredValue(Target),
            settings.Ngram is not null ? NgramDrafter.Name : hasDrafter ? parse.GetRequiredValue(Drafter) : SpeculateModels.None,
            settings.Ngram?.MinN,
            settings.Ngram?.MaxN,
            device.ToString(),
            dtype switch { ScalarType.BFloat16 => "bf16", ScalarType.Float16 => "fp16", _ => "float32" },
            Runtime.ComputeRuntime.Current(device.ToString(), dtype == ScalarType.Float32 ? "float32" : dtype.ToString()));
    }

    /// <summary>The prompt(s) as token ids, encoded with the target's tokenizer before any weights are read.</summary>
    private IReadOnlyList<IReadOnlyList<int>> Prompts(ParseResult parse, Option source, IReadOnlyList<string>? lines, IReadOnlyList<int>? lineNumbers,
        Tokenization.TextTokenizer tokenizer, int sharedVocab)
    {
        var chat = parse.GetValue(Chat);
        var chatDate = CliOptions.ParseChatDate(parse.GetValue(ChatDate), ChatDate);
        var firstText = lines is { Count: > 0 } ? lines[0] : source == InputText ? parse.GetValue(InputText) : null;
        if (chat && !string.IsNullOrWhiteSpace(firstText))
            CliOutput.LogChatTemplate(Name, Target.Name, tokenizer.EncodeChat(firstText, chatDate));
        if (lines is not null)
            return lines.Select((line, i) => SpeculatePrompt.FromText(line, tokenizer, chat, chatDate, LineLabel(parse, lineNumbers![i]))).ToList();
        // --questions: each turn's prompt follows the model's earlier answers, so it is encoded as the run goes.
        if (source == Questions)
            return [];
        return source == InputText
            ? [SpeculatePrompt.FromText(parse.GetValue(InputText)!, tokenizer, chat, chatDate, InputText.Name)]
            : [SpeculatePrompt.FromIds(parse.GetValue(PromptIds)!, sharedVocab)];
    }

    private string LineLabel(ParseResult parse, int line) => $"{PromptsFile.Name} {parse.GetValue(PromptsFile)} line {line}";

    /// <summary>
    /// A batch's prompts that fit both models' context (or --allow-beyond-context); each other one is left out alone,
    /// named by its line (logged, in --json failed, exit 3), so that one over-long line does not refuse the whole file.
    /// </summary>
    private (IReadOnlyList<IReadOnlyList<int>>, List<string>, IReadOnlyList<int>) WithinContext(IReadOnlyList<(string Dir, string Label)> models,
        IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> lines, IReadOnlyList<int> lineNumbers, IReadOnlyList<int> indices,
        SpeculateSettings settings, ParseResult parse, List<SpeculateFailedPrompt> failed)
    {
        var keep = new List<int>();
        for (var i = 0; i < prompts.Count; i++)
        {
            try
            {
                foreach (var (dir, label) in models)
                {
                    ContextWindow.Check(dir, label, prompts[i].Count, settings.Options.MaxNewTokens, MaxNewTokens.Name,
                        parse.GetValue(AllowBeyondContext));
                }
                keep.Add(i);
            }
            catch (DisdException e)
            {
                var message = $"{LineLabel(parse, lineNumbers[i])}: {e.Message}";
                CliOutput.Log($"{Name}: failed: {message}");
                failed.Add(new SpeculateFailedPrompt(indices[i], lineNumbers[i], lines[i], message));
            }
        }

        return (keep.Select(i => prompts[i]).ToList(), keep.Select(i => lines[i]).ToList(), keep.Select(i => indices[i]).ToList());
    }

    /// <summary>Every prompt fits both models' context (or --allow-beyond-context), and the run fits in memory.</summary>
    private void CheckRequest(IReadOnlyList<(string Dir, string Label)> models, IReadOnlyList<IReadOnlyList<int>> prompts, SpeculateSettings settings,
        bool allowBeyond, Device device, ScalarType dtype)
    {
        if (prompts.Count == 0)
            return;
        int longest = prompts.Max(p => p.Count);
        int newTokens = settings.Options.MaxNewTokens;
        foreach (var (dir, label) in models)
        {
            if (ContextWindow.Check(dir, label, longest, newTokens, MaxNewTokens.Name, allowBeyond) is { } warning)
                CliOutput.Log($"{Name}: {warning}");
        }

        var shapes = models.Select(m => ModelMemoryShape.Read(m.Label, m.Dir, dtype)).ToArray();
        long positions = (long)longest + newTokens + DraftLength.MaxAuto + 2;
        MemoryBudget.Require(MemoryBudget.For(shapes, positions, 0, dtype), device, $"lower {MaxNewTokens.Name}, shorten the prompt or use smaller models");
    }

    private static void LogSummary(SpeculateSummary s)
    {
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {CliOutput.Plural(s.TokenIds.Count, "token")}{(s.EndedWithEos ? " (stopped at EOS)" : "")} in {s.Seconds:F2} s ({s.TokensPerSecond:F1} tok/s); acceptance {SpeculateBatch.Format(s.AcceptanceRate)}; per compared position {SpeculateBatch.Format(s.ObservedAcceptance)} (predicted {SpeculateBatch.Format(s.PredictedAcceptance)}); block efficiency {s.BlockEfficiency:F2}, τ {SpeculateBatch.Format(s.MeanAcceptedLength)} ({s.TargetCalls} target calls incl. the prefill, {s.DrafterCalls} drafter calls); time in target {s.TargetSeconds:F2} s, drafter {s.DrafterSeconds:F2} s, other {s.OtherSeconds:F2} s{(s.PredictionSeconds > 0 ? $", predicted acceptance {s.PredictionSeconds:F2} s" : "")}{(s.Verified is { } v ? v ? "; verified identical to target-only" : "; DIFFERS from target-only" : "")}"));
    }
}
