using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DISD.Decoding;
using DISD.IO;
using DISD.Models;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd generate-distribution</c>: the port of the original generate_model_distribution.py. The large model samples
/// a continuation of the prompt; along it every model's full next-token distribution is written to
/// <c>&lt;data-dir&gt;/&lt;sanitized text&gt;/&lt;model id&gt;_probs.csv</c> (or <c>_probs.safetensors</c> with
/// --table-format safetensors), with tokens.csv and manifest.json beside them.
/// </summary>
public sealed class GenerateDistributionCommand
{
    public const string Name = "generate-distribution";

    private readonly Option<string> ModelLarge =
        ModelOption("--model-large", "--model_large", "The large model, which picks the tokens (default: the embedded gemma2-wordnet-large)", "--target");
    private readonly Option<string> ModelMedium = ModelOption("--model-medium", "--model_medium",
        "An optional third model (default: the embedded gemma2-wordnet-medium when no model is named; naming any model runs only the named ones)");
    private readonly Option<string> ModelSmall =
        ModelOption("--model-small", "--model_small", "The small model (default: the embedded gemma2-wordnet-small)", "--drafter");
    private readonly Option<string> InputText = new("--input-text", "--input_text") { Description = "The prompt; names the data folder" };
    private readonly Option<string> PromptIds =
        new("--prompt-ids", "--prompt_ids") { Description = "The prompt as token ids (comma or space separated), used as given; --input-text then only names "
            + "the folder" };
    private readonly Option<string> PromptsFile = new("--prompts-file", "--prompts_file")
    {
        Description = "A file with one prompt per line (blank lines skipped; - for standard input); the models are loaded once",
    };
    private readonly Option<bool> Chat =
        new("--chat") { Description = "Wrap the prompt in the large model's own chat template (a built-in one when the checkpoint has none)" };
    private readonly Option<string?> ChatDate = CliOptions.ChatDate();
    private readonly Option<int> NumTokens =
        CliOptions.Int("--num-tokens", "Tokens to generate (rows of each table)", 32, "--num_tokens", "--max-new-tokens", "--max_new_tokens");
    private readonly Option<bool> AllowBeyondContext = new(ContextWindow.AllowOption)
    {
        Description = "Run even when the prompt plus --num-tokens exceeds a model's max_position_embeddings (otherwise an error)",
    };
    private readonly Option<bool> StopAtEos =
        new("--stop-at-eos", "--stop_at_eos") { Description = "Stop after the large model's end-of-sequence token (the original always runs --num-tokens "
            + "steps)" };
    private readonly Option<string> Decoding = CliOptions.Choice("--decoding", "How the large model picks the next token", "sample", "sample", "greedy");
    private readonly CliSampling Sampling = new();
    private readonly Option<double> Temperature = new("--temperature")
    {
        Description = $"Temperature of the sampling and of the recorded distributions (at least {DecodingOptions.MinTemperature}; --decoding greedy for the "
            + "argmax)",
        DefaultValueFactory = _ => 1.0,
    };
    private readonly Option<ulong> Seed = CliOptions.Seed();
    private readonly Option<string> DType = CliOptions.DType();
    private readonly Option<int> Threads = CliOptions.Threads();
    private readonly Option<string> Device = CliOptions.Device();
    private readonly Option<string> DataDir =
        CliOptions.Text("--data-dir", "Folder of the results (<data-dir>/<input text>/<model>_probs.csv)", "./data", "--data_dir");
    // CSV stays the default: it is the original scripts' layout, which the README's figures, the Python notebook and
    // any spreadsheet read; safetensors is for large vocabularies, where a row of text is several times its binary size.
    private readonly Option<string> TableFormatOption = CliOptions.Choice("--table-format",
        "How each model's table is stored: csv (<model>_probs.csv, the original layout, readable anywhere) or safetensors "
        + "(<model>_probs.safetensors: one float32 tensor 'probs' [positions, V], the same values, about a quarter of the size and far faster "
        + "to read; advised for vocabularies of tens of thousands of tokens)", "csv", "csv", "safetensors");
    private readonly Option<string?> Shard = BatchOptions.Shard();
    private readonly Option<bool> SkipExisting = BatchOptions.SkipExisting();
    private readonly Option<bool> Json = CliOptions.Json();

    private GenerateDistributionCommand()
    {
    }

    public static Command Create() => new GenerateDistributionCommand().Build();

    private static Option<string> ModelOption(string name, string alias, string what, params string[] otherVerbs) => new(name, [alias, .. otherVerbs])
    {
        Description = $"{what}: a checkpoint folder, a cached Hugging Face repo id (org/name) or an embedded model name",
    };

    private Command Build()
    {
        var command = new Command(Name, "Sample a continuation with the large model and write every model's next-token distributions (the original "
            + "generate_model_distribution.py)")
        {
            ModelLarge, ModelMedium, ModelSmall, InputText, PromptIds, PromptsFile, Chat, ChatDate, NumTokens, AllowBeyondContext, StopAtEos,
            Decoding, Temperature, Seed, DType, Device, DataDir,
            Threads, TableFormatOption, Shard, SkipExisting, Json,
        };
        foreach (var option in Sampling.All)
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        var numTokens = RequestLimits.Tokens(parse.GetValue(NumTokens), NumTokens);
        var temperature = RequestLimits.Temperature(parse.GetValue(Temperature), Temperature, zeroIsGreedy: false);
        var greedy = parse.GetRequiredValue(Decoding) == "greedy";
        var chat = parse.GetValue(Chat);
        var chatDate = CliOptions.ParseChatDate(parse.GetValue(ChatDate), ChatDate);
        var dataDir = CliOptions.RequireWritableFolder(parse.GetRequiredValue(DataDir), DataDir);
        var seed = parse.GetValue(Seed);
        var shard = BatchOptions.ReadShard(parse, Shard);
        CliOptions.ApplyThreads(parse, Threads);
        var skipExisting = parse.GetValue(SkipExisting);
        var requests = GenerateDistributionPrompts.Read(parse.GetValue(InputText), parse.GetValue(PromptIds), parse.GetValue(PromptsFile), shard);
        var batch = parse.GetValue(PromptsFile) is not null;
        var modelRequests = ModelRequests(parse);
        var device = CliOptions.ReadDevice(parse, Device);
        var (dtype, dtypeName) = CliOptions.ReadDType(parse, DType, device);
        var paths = LoadedModels.Resolve(modelRequests);
        var (topK, topP, minP) = Sampling.Read(parse);
        var options = new DecodingOptions(numTokens, greedy ? 0 : temperature, seed, StopAtEos: parse.GetValue(StopAtEos), ComputePredictedAcceptance: false,
            TopK: topK, TopP: topP, MinP: minP);
        var tableFormat = parse.GetRequiredValue(TableFormatOption) == "safetensors" ? TableFormat.Safetensors : TableFormat.Csv;
        var request = new RunRequest(modelRequests, paths, LoadedModels.ConfigDigestsOf(paths), dtypeName, device.ToString(), options,
            greedy ? "greedy" : "sample", temperature, chat, tableFormat);

        var loadClock = Stopwatch.StartNew();
        IReadOnlyList<PreparedPrompt> prompts = [];
        var existing = new Dictionary<int, RunManifest>();
        var tooLong = new Dictionary<int, string>();
        var allowBeyond = parse.GetValue(AllowBeyondContext);
        if (requests.Count == 0)
            CliOutput.Log($"{Name}: shard {shard} holds no prompt of {parse.GetValue(PromptsFile)}; nothing to do");
        using var models = requests.Count == 0 ? null : CliProgress.Run("loading models", paths.Count, progress => LoadedModels.Load(modelRequests, paths,
            parse.GetRequiredValue(Device), dtype, progress,
            (tokenizer, vocab) =>
            {
                prompts = GenerateDistributionPrompts.Prepare(requests, tokenizer, vocab, chat, chatDate);
                if (prompts.Select(p => p.Chat).OfType<Tokenization.ChatPrompt>().FirstOrDefault() is { } used)
                    CliOutput.LogChatTemplate(Name, ModelLarge.Name, used);
                if (skipExisting)
                    FindExisting(request, prompts, vocab, dataDir, existing);
                var left = prompts.Where(p => !existing.ContainsKey(p.Index)).ToList();
                if (batch)
                    left = WithinContext(modelRequests, paths, left, numTokens, allowBeyond, tooLong);
                if (left.Count > 0)
                    CheckRequest(modelRequests, paths, left, numTokens, allowBeyond, device, dtype);
                return left.Count > 0;
            }));
        var loadSeconds = loadClock.Elapsed.TotalSeconds;
        if (models is not null)
        {
            CliOutput.Log($"{Name}: {string.Join(", ", models.Models.Select(m => m.Name))} on {device}, {dtypeName}, V = {models.Vocab}, "
                + $"{(greedy ? "greedy" : "sampling")}, {PromptsToRun(prompts.Count, prompts.Count - existing.Count - tooLong.Count)} × "
                + $"{CliOutput.Plural(numTokens, "token")}, seed {seed}{(shard is { } s ? $", shard {s}" : "")}; loaded in {loadSeconds:F2} s; "
                + request.Runtime.Describe());
        }

        var results = new List<SummaryPrompt>();
        for (var i = 0; i < prompts.Count; i++)
        {
            var prompt = prompts[i];
            // Full paths, as the other lines of the log give them.
            var folder = Path.GetFullPath(Path.Combine(dataDir, prompt.FolderName));
            var label = $"prompt {i + 1}/{prompts.Count}";
            if (existing.TryGetValue(prompt.Index, out var manifest))
            {
                CliOutput.Log($"{Name}: {label}: skipped, {folder} holds run {manifest.RunId} of the same request: {prompt.Text}");
                results.Add(SummaryPrompt.Skipped(prompt, folder, manifest));
                continue;
            }

            if (tooLong.TryGetValue(prompt.Index, out var message))
            {
                CliOutput.Log($"{Name}: {label}: failed: {message}");
                results.Add(SummaryPrompt.Failed(prompt, folder, message));
                continue;
            }

            try
            {
                results.Add(RunPrompt(new RunSettings(request, models!, loadSeconds), prompt, folder, label));
            }
            catch (Exception e) when (batch && BatchOptions.FailsOnePrompt(e))
            {
                CliOutput.Log($"{Name}: {label}: failed: {e.Message}");
                results.Add(SummaryPrompt.Failed(prompt, folder, e.Message));
            }
        }

        var summary = new GenerateDistributionSummary(
            modelRequests.Select((r, i) => new SummaryModel(r.Role, r.Argument, paths[i], r.FileId)).ToArray(),
            models?.Vocab ?? 0, device.ToString(), dtypeName, seed, request.DecodingName, temperature, numTokens, shard?.ToString(), loadSeconds,
            clock.Elapsed.TotalSeconds, results, request.Runtime);
        var failed = results.Count(r => r.Status == PromptStatus.Failed);
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: done in {summary.TotalSeconds:F2} s: {results.Count(r => r.Status == PromptStatus.Done)} done, "
                + $"{results.Count(r => r.Status == PromptStatus.Skipped)} skipped, {failed} failed"));
        if (parse.GetValue(Json))
        {
            CliOutput.Json(summary);
        }

        return BatchOptions.ExitCode(results.Select(r => r.Status));
    }

    /// <summary>"4 prompts", or "2 of 4 prompts" when some are skipped or fail at once: the labels that follow count all of them ("prompt 1/4").</summary>
    private static string PromptsToRun(int all, int toRun) =>
        toRun == all ? CliOutput.Plural(all, "prompt") : $"{toRun} of {CliOutput.Plural(all, "prompt")} to run";

    /// <summary>What a run asks for, known before any weights are read: it determines the manifest up to the generated tokens.</summary>
    private sealed record RunRequest(IReadOnlyList<ModelRequest> Models, IReadOnlyList<string> Paths, IReadOnlyList<string> ConfigDigests,
        string DTypeName, string Device, DecodingOptions Options, string DecodingName, double Temperature, bool Chat, TableFormat TableFormat)
    {
        /// <summary>What computes the run (kernels, libtorch capability, threads), read once: the threads are set before.</summary>
        public ComputeRuntime Runtime { get; } = ComputeRuntime.Current(Device, DTypeName);

        public RunManifest Manifest(PreparedPrompt prompt, string folder, int vocab, IReadOnlyList<int> tokens, string text, RunTimings timings) => new(
            "", prompt.Text, Chat, ChatTemplateUsed.From(prompt.Chat), prompt.Ids,
            Models.Select((r, i) => new ManifestModel(r.Role, r.Argument, Paths[i], ConfigDigests[i], r.FileId,
                DistributionTables.FileName(r.FileId, TableFormat))).ToArray(),
            vocab, DTypeName, Device, Options.Seed, DecodingName, Temperature,
            new SamplingUsed(Options.TopK, Options.TopP, Options.MinP, Options.Transform.Describe()), Options.MaxNewTokens, Options.StopAtEos,
            tokens, text, SoftwareVersions.Current(), timings, Runtime);
    }

    private sealed record RunSettings(RunRequest Request, LoadedModels Models, double LoadSeconds);

    /// <summary>--skip-existing: the prompts whose result folder holds a complete result of this very request.</summary>
    private static void FindExisting(
        RunRequest request, IReadOnlyList<PreparedPrompt> prompts, int vocab, string dataDir, Dictionary<int, RunManifest> existing)
    {
        foreach (var prompt in prompts)
        {
            var folder = Path.Combine(dataDir, prompt.FolderName);
            var wanted = request.Manifest(prompt, folder, vocab, [], "", new RunTimings(0, 0, 0)).RequestDigest();
            if (ExistingResults.Complete(folder, wanted, request.TableFormat) is { } manifest)
                existing[prompt.Index] = manifest;
        }
    }

    private static SummaryPrompt RunPrompt(RunSettings s, PreparedPrompt prompt, string folder, string label)
    {
        var clock = Stopwatch.StartNew();
        var options = s.Request.Options;
        var result = CliProgress.Run($"{label} steps", options.MaxNewTokens,
            progress => DistributionGenerator.Run(s.Models.Models, prompt.Ids, s.Models.Vocab, options, progress, s.Request.Temperature));
        var generateSeconds = clock.Elapsed.TotalSeconds;
        var tokenizer = s.Models.LargeTokenizer;
        var generatedText = tokenizer.Decode(result.TokenIds);
        var fileIds = s.Models.Requests.Select(r => r.FileId).ToArray();
        var files = WriteNamingTheFolder(folder, () => DistributionRunWriter.Write(
            folder, fileIds, result, result.TokenIds.Select(tokenizer.TokenText).ToArray(),
            writeSeconds => s.Request.Manifest(prompt, folder, s.Models.Vocab, result.TokenIds, generatedText,
                new RunTimings(s.LoadSeconds, generateSeconds, writeSeconds)).WithContentRunId(), s.Request.TableFormat,
            dataDir => CliOutput.Log($"{Name}: waiting for another run writing into {dataDir}")));
        CliOutput.Log($"{Name}: {label}: {prompt.Text}");
        CliOutput.Log($"{Name}: generated: {generatedText}");
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: generated {CliOutput.Plural(result.TokenIds.Count, "token")} in {generateSeconds:F2} s; wrote {files.Folder} "
                + $"({files.TableBytes / 1e6:F1} MB of tables in {files.WriteSeconds:F2} s)"));
        return new SummaryPrompt(prompt.Index, PromptStatus.Done, null, prompt.Text, files.Folder, prompt.Ids, result.TokenIds, generatedText,
            files.ProbabilityTables, files.TokensCsv, files.Manifest, RunManifest.Read(files.Manifest).RunId, files.TableBytes, generateSeconds,
            files.WriteSeconds);
    }

    /// <summary>
    /// A batch's prompts that fit every model's context (or --allow-beyond-context); each of the others fails alone, named
    /// by its line, so that one over-long line does not refuse the whole file.
    /// </summary>
    private static List<PreparedPrompt> WithinContext(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, IReadOnlyList<PreparedPrompt> prompts,
        int numTokens, bool allowBeyond, Dictionary<int, string> tooLong)
    {
        var fitting = new List<PreparedPrompt>();
        foreach (var prompt in prompts)
        {
            try
            {
                for (var i = 0; i < paths.Count; i++)
                    ContextWindow.Check(paths[i], $"{requests[i].Option} {requests[i].Argument}", prompt.Ids.Count, numTokens, "--num-tokens", allowBeyond);
                fitting.Add(prompt);
            }
            catch (DisdException e)
            {
                tooLong[prompt.Index] = $"{prompt.Source}: {e.Message}";
            }
        }

        return fitting;
    }

    /// <summary>Before any weights are read: every prompt fits every model's context (or --allow-beyond-context), and the run fits in memory.</summary>
    private static void CheckRequest(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, IReadOnlyList<PreparedPrompt> prompts,
        int numTokens, bool allowBeyond, Device device, ScalarType dtype)
    {
        int longest = prompts.Max(p => p.Ids.Count);
        for (var i = 0; i < paths.Count; i++)
        {
            if (ContextWindow.Check(paths[i], $"{requests[i].Option} {requests[i].Argument}", longest, numTokens, "--num-tokens", allowBeyond) is { } warning)
                CliOutput.Log($"{Name}: {warning}");
        }

        var shapes = paths.Select((path, i) => ModelMemoryShape.Read(requests[i].Option, path, dtype)).ToArray();
        MemoryBudget.Require(MemoryBudget.For(shapes, (long)longest + numTokens, numTokens, dtype), device,
            "lower --num-tokens, shorten the prompt or use smaller models");
    }

    private static T WriteNamingTheFolder<T>(string folder, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"--data-dir: cannot write the result folder {folder} ({e.Message})", e);
        }
    }

    /// <summary>The embedded trio when no model is named; otherwise --model-large and --model-small (and --model-medium if given).</summary>
    private IReadOnlyList<ModelRequest> ModelRequests(ParseResult parse)
    {
        var large = parse.GetValue(ModelLarge);
        var medium = parse.GetValue(ModelMedium);
        var small = parse.GetValue(ModelSmall);
        if (large is null && medium is null && small is null)
        {
            return
            [
                new ModelRequest("large", EmbeddedModels.Large, ModelLarge.Name),
                new ModelRequest("medium", EmbeddedModels.Medium, ModelMedium.Name),
                new ModelRequest("small", EmbeddedModels.Small, ModelSmall.Name),
            ];
        }

        var given = new[] { ("large", large, ModelLarge), ("medium", medium, ModelMedium), ("small", small, ModelSmall) };
        foreach (var (_, value, option) in given)
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
                throw new DisdException($"{option.Name} is empty; give a checkpoint folder, a cached Hugging Face repo id or an embedded model name");
        }

        // A model that cannot be found is the first thing to fix, before the one left out.
        LoadedModels.Resolve(given.Where(g => g.Item2 is not null).Select(g => new ModelRequest(g.Item1, g.Item2!, g.Item3.Name)).ToList());
        var named = string.Join(" and ", given.Where(g => g.Item2 is not null).Select(g => g.Item3.Name));
        foreach (var (value, option) in new[] { (large, ModelLarge), (small, ModelSmall) })
        {
            if (value is null)
                throw new DisdException($"{option.Name} is required when {named} is named: naming a model means naming the models to run "
                    + "(leave out every --model-* option for the embedded demo trio)");
        }

        var list = new List<ModelRequest> { new("large", large!, ModelLarge.Name) };
        if (medium is not null) list.Add(new ModelRequest("medium", medium, ModelMedium.Name));
        else
            CliOutput.Log($"{Name}: two models as named, no medium table "
                + $"({ModelMedium.Name} adds a third; the embedded medium model runs only when no model is named)");
        list.Add(new ModelRequest("small", small!, ModelSmall.Name));
        return list;
    }
}
