using System.CommandLine;
using DISD.Decoding;
using DISD.Models;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>
/// What every speculate mode shares: the checked options (<see cref="Read"/>, before anything is loaded), the prompts
/// encoded with the target's tokenizer, and the models, checked against the prompts and memory before any weights are
/// read (<see cref="Load"/>).
/// </summary>
internal sealed record SpeculateRequest(SpeculateCommand Options, ParseResult Parse, Option Source, SpeculateSettings Settings,
    Device Device, CliDType DType, bool Verify, int Repeats, string? Trace, Batch.ShardSpec? Shard)
{
    private string Name => SpeculateCommand.Name;

    public bool Json => Parse.GetValue(Options.Json);

    public static SpeculateRequest Read(SpeculateCommand o, ParseResult parse)
    {
        var settings = SpeculateSettingsReader.Read(o, parse);
        var source = RequireOnePromptSource(o, parse);
        var device = CliOptions.ReadDevice(parse, o.Device);
        var dtype = CliOptions.ReadDType(parse, o.DType, device);
        var verify = parse.GetValue(o.Verify);
        if (verify && settings.Method != SpeculativeMethod.Disd)
            throw new DisdException("--verify checks that the output equals target-only decoding, which only --method disd guarantees");
        if (source == o.PromptIds && parse.GetValue(o.Chat))
            throw new DisdException($"{o.Chat.Name} applies to a text prompt; {o.PromptIds.Name} are used as given");
        if (source != o.Questions && (parse.GetResult(o.Answers) is not null || parse.GetResult(o.BaselineAnswers) is not null))
            throw new DisdException($"{o.Answers.Name} and {o.BaselineAnswers.Name} go with {o.Questions.Name}");

        var repeats = CliOptions.RequirePositive(parse.GetValue(o.Repeats), o.Repeats);
        var trace = SpeculateTrace.RequirePath(parse.GetValue(o.Trace), o.Trace.Name);
        CliOptions.ApplyThreads(parse, o.Threads);
        var shard = BatchOptions.ReadShard(parse, o.Shard);
        if (shard is not null && source != o.PromptsFile)
            throw new DisdException($"{o.Shard.Name} splits a {o.PromptsFile.Name}; give one, or leave out {o.Shard.Name} for a single prompt");
        return new SpeculateRequest(o, parse, source, settings, device, dtype, verify, repeats, trace, shard);
    }

    /// <summary>Exactly one of --input-text, --prompt-ids, --prompts-file and --questions.</summary>
    private static Option RequireOnePromptSource(SpeculateCommand o, ParseResult parse)
    {
        var given = new Option[] { o.InputText, o.PromptIds, o.PromptsFile, o.Questions }.Where(x => parse.GetResult(x) is not null).ToList();
        return given.Count switch
        {
            1 => given[0],
            0 => throw new DisdException($"no prompt: give {o.InputText.Name}, {o.PromptIds.Name}, {o.PromptsFile.Name} or {o.Questions.Name}"),
            _ => throw new DisdException($"give only one of {string.Join(", ", given.Select(x => x.Name))}"),
        };
    }

    /// <summary>
    /// Loads the models. Before any weights are read, <paramref name="encode"/> gives the prompts (from the target's
    /// tokenizer and the shared vocabulary), <paramref name="keep"/> may leave some out (a batch's over-long lines), and
    /// the rest must fit both models' context and memory. Logs the run's configuration.
    /// </summary>
    public SpeculateSession Load(Func<Tokenization.TextTokenizer, int, IReadOnlyList<IReadOnlyList<int>>> encode,
        Func<IReadOnlyList<(string Dir, string Label)>, IReadOnlyList<IReadOnlyList<int>>, IReadOnlyList<IReadOnlyList<int>>>? keep = null)
    {
        IReadOnlyList<IReadOnlyList<int>> prompts = [];
        var drafterArg = Settings.Ngram is null ? Parse.GetRequiredValue(Options.Drafter) : SpeculateModels.None;
        var models = SpeculateModels.Load(Parse.GetRequiredValue(Options.Target), drafterArg, Parse.GetRequiredValue(Options.Device),
            DType.Type, (tokenizer, sharedVocab, dirs) =>
            {
                prompts = encode(tokenizer, sharedVocab);
                SpeculateSettingsReader.RequireMultiDraft(Settings, sharedVocab);
                if (keep is not null)
                    prompts = keep(dirs, prompts);
                CheckRequest(dirs, prompts);
            });
        try
        {
            var config = SpeculateSettingsReader.Config(Options, Parse, Settings, models, Device, DType);
            var runner = new SpeculateRunner(models.Target, models.Drafter, Settings);
            // Both models as they were named (the folders are in --json), and every option that shapes a round, --num-drafts included.
            CliOutput.Log($"{Name}: target {config.Target}, drafter {config.Drafter}, {config.Method}, {config.Coupling}, {config.Sampling}, "
                + $"k {config.DraftLength}, num-drafts {config.NumDrafts}, seed {config.Seed}, {Device}, {config.Dtype}; "
                + config.Runtime.Describe());
            return new SpeculateSession(models, config, runner, prompts);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The prompt(s) as token ids: a batch's <paramref name="lines"/>, or --input-text / --prompt-ids; none for
    /// --questions, whose turns follow the model's earlier answers and are encoded as the run goes.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Prompts(Tokenization.TextTokenizer tokenizer, int sharedVocab, IReadOnlyList<string>? lines = null,
        IReadOnlyList<int>? lineNumbers = null)
    {
        var o = Options;
        var chat = Parse.GetValue(o.Chat);
        var chatDate = CliOptions.ParseChatDate(Parse.GetValue(o.ChatDate), o.ChatDate);
        var firstText = lines is { Count: > 0 } ? lines[0] : Source == o.InputText ? Parse.GetValue(o.InputText) : null;
        if (chat && !string.IsNullOrWhiteSpace(firstText))
            CliOutput.LogChatTemplate(Name, o.Target.Name, tokenizer.EncodeChat(firstText, chatDate));
        if (lines is not null)
            return lines.Select((line, i) => SpeculatePrompt.FromText(line, tokenizer, chat, chatDate, LineLabel(lineNumbers![i]))).ToList();
        if (Source == o.Questions)
            return [];
        return Source == o.InputText
            ? [SpeculatePrompt.FromText(Parse.GetValue(o.InputText)!, tokenizer, chat, chatDate, o.InputText.Name)]
            : [SpeculatePrompt.FromIds(Parse.GetValue(o.PromptIds)!, sharedVocab)];
    }

    public string LineLabel(int line) => $"{Options.PromptsFile.Name} {Parse.GetValue(Options.PromptsFile)} line {line}";

    /// <summary>Every prompt fits both models' context (or --allow-beyond-context), and the run fits in memory.</summary>
    private void CheckRequest(IReadOnlyList<(string Dir, string Label)> models, IReadOnlyList<IReadOnlyList<int>> prompts)
    {
        if (prompts.Count == 0)
            return;
        var maxNewTokens = Options.MaxNewTokens;
        int longest = prompts.Max(p => p.Count);
        int newTokens = Settings.Options.MaxNewTokens;
        var allowBeyond = Parse.GetValue(Options.AllowBeyondContext);
        foreach (var (dir, label) in models)
        {
            if (ContextWindow.Check(dir, label, longest, newTokens, maxNewTokens.Name, allowBeyond) is { } warning)
                CliOutput.Log($"{Name}: {warning}");
        }

        var shapes = models.Select(m => ModelMemoryShape.Read(m.Label, m.Dir, DType.Type)).ToArray();
        long positions = (long)longest + newTokens + DraftLength.MaxAuto + 2;
        MemoryBudget.Require(MemoryBudget.For(shapes, positions, 0, DType.Type), Device,
            $"lower {maxNewTokens.Name}, shorten the prompt or use smaller models");
    }
}

/// <summary>A speculate run's loaded models, configuration, runner and encoded prompts.</summary>
internal sealed record SpeculateSession(SpeculateModels Models, SpeculateConfig Config, SpeculateRunner Runner,
    IReadOnlyList<IReadOnlyList<int>> Prompts) : IDisposable
{
    public void Dispose() => Models.Dispose();
}
