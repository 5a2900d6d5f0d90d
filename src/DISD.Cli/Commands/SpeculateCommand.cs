using System.CommandLine;
using DISD.Decoding;
using DISD.Models;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd speculate</c>: speculative decoding with a drafter (drafter-invariant DISD or standard), or the target
/// alone (<c>--drafter none</c>). Stops at the target's end-of-sequence token or after --max-new-tokens. This class
/// declares the options and hands the run to its mode: one prompt (<see cref="SpeculateSingleMode"/>), a
/// --prompts-file batch (<see cref="SpeculateBatchMode"/>) or Spec-Bench --questions (<see cref="SpeculateSpecBenchMode"/>);
/// what the modes share is read and loaded by <see cref="SpeculateRequest"/>.
/// </summary>
public sealed class SpeculateCommand
{
    public const string Name = "speculate";

    internal Option<string> Target { get; } = CliOptions.Text("--target",
        "Target model: a checkpoint folder, a Hugging Face repo id, or a demo model (gemma2-wordnet-large|medium|small)", SpeculateModels.DefaultTarget,
        "--model-large", "--model_large");
    internal Option<string> Drafter { get; } = CliOptions.Text("--drafter",
        "Drafter model (same forms as --target), ngram for prompt-lookup drafting (no model), or none for target-only decoding", SpeculateModels.DefaultDrafter,
        "--model-small", "--model_small");
    internal Option<int> NgramMin { get; } = CliOptions.Int("--ngram-min", "With --drafter ngram: shortest suffix n-gram to look up", 1, "--ngram_min");
    internal Option<int> NgramMax { get; } = CliOptions.Int("--ngram-max",
        "With --drafter ngram: longest suffix n-gram to look up (tried first)", 3, "--ngram_max");
    internal Option<string?> InputText { get; } = new("--input-text", "--input_text") { Description = "The prompt as text" };
    internal Option<string?> PromptIds { get; } = new("--prompt-ids", "--prompt_ids") { Description = "The prompt as token ids, comma-separated" };
    internal Option<string?> PromptsFile { get; } = new("--prompts-file", "--prompts_file")
    {
        Description = "Batch mode: one prompt (text) per line, - for standard input; "
            + "reports per-prompt and aggregate statistics and the speed-up over target-only decoding",
    };
    internal Option<string?> Questions { get; } = new("--questions")
    {
        Description = "Spec-Bench mode: a question.jsonl (question_id, category, turns); every turn through the chat template, "
            + "with a per-category table of τ, tok/s and speed-up over target-only decoding",
    };
    internal Option<string?> Answers { get; } = new("--answers")
    {
        Description = "With --questions: write the answers in Spec-Bench's format (choices[0]: turns, new_tokens, wall_time, accept_lengths)",
    };
    internal Option<string?> BaselineAnswers { get; } = new("--baseline-answers")
    {
        Description = "With --questions: also write the target-only answers (Spec-Bench's speed.py --base-path)",
    };
    internal Option<string?> Trace { get; } = new("--trace")
    {
        Description = "Write one JSON line per draft-and-verify round: drafts, the target's samples, accepted count, agreement, time split",
        HelpName = "FILE.jsonl",
    };
    internal Option<bool> Chat { get; } = new("--chat")
    {
        Description = "Wrap the text prompt(s) in the target's own chat template (a built-in one when the checkpoint has none)",
    };
    internal Option<string?> ChatDate { get; } = CliOptions.ChatDate();
    internal Option<int> MaxNewTokens { get; } = CliOptions.Int("--max-new-tokens", "Upper bound on generated tokens", 64,
        "--max_new_tokens", "--num-tokens", "--num_tokens");
    internal Option<bool> IgnoreEos { get; } = new("--ignore-eos", "--ignore_eos")
    {
        Description = "Generate exactly --max-new-tokens tokens, past end-of-sequence tokens (benchmarks with fixed lengths)",
    };
    internal Option<bool> AllowBeyondContext { get; } = new(ContextWindow.AllowOption)
    {
        Description = "Run even when the prompt plus --max-new-tokens exceeds a model's max_position_embeddings (otherwise an error)",
    };
    internal Option<string> DraftLengthOption { get; } = CliOptions.Text("--draft-length",
        "Drafted tokens per step: a positive integer k, or auto (adapts k to the acceptance)", "4", "-k");
    internal Option<string> Coupling { get; } = new("--coupling")
    {
        Description = "Coupling of the public randomness: gumbel or wmh (weighted MinHash)",
        DefaultValueFactory = _ => "gumbel",
        HelpName = "gumbel|wmh",
    };
    internal Option<string> Method { get; } = new("--method")
    {
        Description = "disd (drafter-invariant: output equals target-only decoding) or standard (Leviathan et al. 2023)",
        DefaultValueFactory = _ => "disd",
        HelpName = "disd|standard",
    };
    internal Option<int> NumDrafts { get; } = CliOptions.Int("--num-drafts",
        "K: drafts per position with Gumbel list sampling (--coupling gumbel --method disd); the drafter's K branches are verified as one tree. "
        + "The output equals target-only decoding with the same seed and K", 1, "--num_drafts");
    internal Option<double> Temperature { get; } = new("--temperature")
    {
        Description = $"Sampling temperature; 0 = greedy, otherwise at least {DecodingOptions.MinTemperature}",
        DefaultValueFactory = _ => 1.0,
    };
    internal CliSampling Sampling { get; } = new();
    internal Option<ulong> Seed { get; } = CliOptions.Seed();
    internal Option<string> Device { get; } = CliOptions.Device();
    internal Option<string> DType { get; } = CliOptions.DType();
    internal Option<bool> Verify { get; } = new("--verify")
    {
        Description = "Also decode with the target alone and fail unless the tokens are identical (--method disd)",
    };
    internal Option<bool> NoPrediction { get; } = new("--no-predicted-acceptance")
    {
        Description = "Skip the exact predicted acceptance (a sort of the vocabulary per drafted position); it is then null",
    };
    internal Option<int> Repeats { get; } = CliOptions.Int("--repeats",
        "With --prompts-file: timed runs per prompt (medians are reported); with --questions: runs of the whole set (mean and std)", 1);
    internal Option<int> Threads { get; } = CliOptions.Threads();
    internal Option<string?> Shard { get; } = BatchOptions.Shard();
    internal Option<bool> Json { get; } = CliOptions.Json();

    public static Command Create() => new SpeculateCommand().Build();

    private Command Build()
    {
        var command = new Command(Name,
            "Generate with speculative decoding (drafter-invariant DISD or standard) and report acceptance, block efficiency and speed")
        {
            Target, Drafter, NgramMin, NgramMax, InputText, PromptIds, PromptsFile, Questions, Answers, BaselineAnswers, Chat, ChatDate,
            MaxNewTokens, AllowBeyondContext, DraftLengthOption, NumDrafts, Coupling, Method, Temperature, Seed, Device, DType, Verify,
            NoPrediction, Repeats, Threads,
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
        var request = SpeculateRequest.Read(this, parse);
        if (request.Source == PromptsFile)
            return SpeculateBatchMode.Run(request);
        if (request.Source == Questions)
            return SpeculateSpecBenchMode.Run(request);
        return SpeculateSingleMode.Run(request);
    }
}
