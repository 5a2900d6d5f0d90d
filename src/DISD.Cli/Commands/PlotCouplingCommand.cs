using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DISD.Batch;
using DISD.IO;
using DISD.Plotting;
using DISD.Runtime;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd plot-coupling</c>: the port of the original plot_coupling_bounds.py. Reads the two models' distribution
/// tables, measures the Gumbel and weighted MinHash agreement per position, and writes the figure and a results CSV;
/// for one prompt (--input-text) or every prompt of a --prompts-file (optionally one --shard of it).
/// </summary>
public sealed class PlotCouplingCommand
{
    public const string Name = "plot-coupling";

    private readonly Option<string> ModelLarge = CliOptions.Text("--model-large",
        "The large model (p): a repo id (org/name), a checkpoint folder, or a *_probs.csv / *_probs.safetensors file",
        Models.EmbeddedModels.Large, "--model_large", "--target");
    private readonly Option<string> ModelSmall = CliOptions.Text("--model-small",
        "The small model (q): a repo id (org/name), a checkpoint folder, or a *_probs.csv / *_probs.safetensors file",
        Models.EmbeddedModels.Small, "--model_small", "--drafter");
    private readonly Option<string?> InputText = new("--input-text", "--input_text")
    {
        Description = "The prompt the distributions were generated for; names the data folder and titles the figure "
            + "(may be left out when both models are *_probs.csv paths: their manifest.json gives it)",
    };
    private readonly Option<string?> PromptsFile = new("--prompts-file", "--prompts_file")
    {
        Description = "Every prompt of this file (one per line, as generate-distribution reads it; - for standard input): one figure and results table each",
    };
    private readonly Option<string> NumTokens = CliOptions.Text("--num-tokens",
        $"Positions to compare (the first rows of each table), or {PlotCouplingRequest.AllRows} for every row the tables share", PlotCouplingRequest.AllRows,
        "--num_tokens", "--max-new-tokens");
    private readonly Option<int> NumRetries = CliOptions.Int("--num-retries", "Monte-Carlo trials per position and coupling", 20000, "--num_retries");
    private readonly Option<string> Engine = CliOptions.Choice("--mc",
        "Monte-Carlo engine: race (exact lazy simulation, pure C#) or dense (one uniform per token per trial, torch)", "race", "race", "dense");
    private readonly Option<string> DataDir = CliOptions.Text("--data-dir",
        "Folder of the distribution tables (<data-dir>/<input text>/<model>_probs.csv); the results go beside the tables (also when they are named by path)",
        "./data", "--data_dir");
    private readonly Option<string> ImgDir = CliOptions.Text("--img-dir", "Folder the figures are written to", "./img", "--img_dir");
    private readonly Option<ulong> Seed = CliOptions.Seed();
    private readonly Option<string> Device = CliOptions.Device();
    private readonly Option<string> Format = CliOptions.Choice("--format", "Figure format", "png", "png", "svg");
    private readonly Option<string?> Shard = BatchOptions.Shard();
    private readonly Option<bool> SkipExisting = BatchOptions.SkipExisting();
    private readonly Option<bool> Json = CliOptions.Json();
    private readonly Option<string> ListSizes = CliOptions.Text("--list-sizes",
        $"Comma-separated list sizes K (1 … {MaxListSize}) for the Gumbel list agreement Pr[b ∈ K drafts] (target = large); "
            + "empty: none", "", "--list_sizes");

    /// <summary>Each list size costs K races per trial; beyond this the figure gains nothing.</summary>
    public const int MaxListSize = 64;

    private PlotCouplingCommand()
    {
        Device.Description += " (only used by --mc dense)";
        NumTokens.HelpName = "N|all";
    }

    public static Command Create() => new PlotCouplingCommand().Build();

    private Command Build()
    {
        var command = new Command(Name,
            "Measure how often Gumbel sampling and weighted MinHash agree per position, and plot it against D_TV (the paper's coupling figure)")
        {
            ModelLarge, ModelSmall, InputText, PromptsFile, NumTokens, NumRetries, Engine, DataDir, ImgDir, Seed, Device, Format, Shard, SkipExisting, Json,
            ListSizes,
        };
        command.SetAction(Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        var request = ReadRequest(parse);
        var inputText = parse.GetValue(InputText);
        var promptsFile = parse.GetValue(PromptsFile);
        var shard = BatchOptions.ReadShard(parse, Shard);
        if (promptsFile is null)
        {
            var tablesByPath = DistributionTables.IsTablePath(request.ModelLarge) && DistributionTables.IsTablePath(request.ModelSmall);
            if (inputText is null && !tablesByPath)
                throw new DisdException($"give the prompt with {InputText.Name} (or {PromptsFile.Name} for several)");
            if (shard is not null)
                throw new DisdException($"{Shard.Name} splits a {PromptsFile.Name}; give one, or leave out {Shard.Name} for a single prompt");
            if (inputText is not null)
                TextSanitizer.FolderName(inputText);
            return RunOne(parse, request, inputText);
        }

        if (inputText is not null)
            throw new DisdException($"{PromptsFile.Name} cannot be combined with {InputText.Name}");
        var prompts = Batch.PromptsFile.Read(promptsFile);
        Batch.PromptsFile.FolderNames(prompts, promptsFile);
        return RunBatch(parse, request, prompts.Where(p => (shard ?? ShardSpec.All).Includes(p.Index)).ToList(), shard, clock);
    }

    private int RunOne(ParseResult parse, PlotCouplingRequest request, string? inputText)
    {
        var summary = PlotCouplingPrompt.Run(request, inputText, out var skipped);
        if (summary is null)
        {
            CliOutput.Log($"{Name}: skipped: {skipped!.Results} and {skipped.Figure} hold these results of run {skipped.RunId}");
            if (parse.GetValue(Json))
                CliOutput.Json(new PlotCouplingPromptStatus(0, skipped.InputText, PromptStatus.Skipped, null, skipped, null));
            return CliApp.Success;
        }

        LogSummary(summary);
        if (parse.GetValue(Json))
            CliOutput.Json(summary);
        return CliApp.Success;
    }

    private int RunBatch(ParseResult parse, PlotCouplingRequest request, IReadOnlyList<PromptLine> prompts, ShardSpec? shard, Stopwatch clock)
    {
        var statuses = new List<PlotCouplingPromptStatus>();
        for (var i = 0; i < prompts.Count; i++)
        {
            var prompt = prompts[i];
            var label = $"{Name}: prompt {i + 1}/{prompts.Count}";
            try
            {
                var summary = PlotCouplingPrompt.Run(request, prompt.Text, out var skipped);
                if (summary is null)
                {
                    CliOutput.Log($"{label}: skipped, {skipped!.Results} holds these results of run {skipped.RunId}: {prompt.Text}");
                    statuses.Add(new PlotCouplingPromptStatus(prompt.Index, prompt.Text, PromptStatus.Skipped, null, skipped, null));
                    continue;
                }

                LogSummary(summary);
                statuses.Add(new PlotCouplingPromptStatus(prompt.Index, prompt.Text, PromptStatus.Done, null, null, summary));
            }
            catch (Exception e) when (BatchOptions.FailsOnePrompt(e))
            {
                CliOutput.Log($"{label}: failed: {e.Message}");
                statuses.Add(new PlotCouplingPromptStatus(prompt.Index, prompt.Text, PromptStatus.Failed, e.Message, null, null));
            }
        }

        var batch = new PlotCouplingBatchSummary(request.ModelLarge, request.ModelSmall, parse.GetRequiredValue(NumTokens), request.NumRetries, request.Engine,
            request.Seed, shard?.ToString(), clock.Elapsed.TotalSeconds, Count(PromptStatus.Done), Count(PromptStatus.Skipped),
            Count(PromptStatus.Failed), statuses);
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {CliOutput.Plural(prompts.Count, "prompt")} in {batch.Seconds:F1} s: {batch.Done} done, {batch.Skipped} skipped, {batch.Failed} failed"));
        if (parse.GetValue(Json))
            CliOutput.Json(batch);
        return BatchOptions.ExitCode(statuses.Select(s => s.Status));

        int Count(string status) => statuses.Count(s => s.Status == status);
    }

    private PlotCouplingRequest ReadRequest(ParseResult parse)
    {
        var modelLarge = parse.GetRequiredValue(ModelLarge);
        var modelSmall = parse.GetRequiredValue(ModelSmall);
        var numRetries = CliOptions.RequirePositive(parse.GetValue(NumRetries), NumRetries);
        var numTokens = ParseNumTokens(parse.GetRequiredValue(NumTokens));
        var engineName = parse.GetRequiredValue(Engine);
        var dataDir = CliOptions.RequireFolder(parse.GetRequiredValue(DataDir), DataDir);
        var imgDir = CliOptions.RequireWritableFolder(parse.GetRequiredValue(ImgDir), ImgDir);
        var format = Enum.Parse<FigureFormat>(parse.GetRequiredValue(Format), ignoreCase: true);
        // The device is checked before the tables are read, so that a bad --device fails at once.
        var device = engineName == "dense" ? DeviceSelector.Resolve(parse.GetRequiredValue(Device)) : null;
        foreach (var (value, option) in new[] { (modelLarge, ModelLarge), (modelSmall, ModelSmall) })
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new DisdException($"{option.Name} is empty; give a model id, a checkpoint folder or a *_probs.csv / *_probs.safetensors file");
        }

        return new PlotCouplingRequest(modelLarge, modelSmall, numTokens, numRetries, engineName, device, parse.GetValue(Seed),
            dataDir, imgDir, format, parse.GetValue(SkipExisting), ParseListSizes(parse.GetRequiredValue(ListSizes)));
    }

    /// <summary>A positive count, or null for every row.</summary>
    private int? ParseNumTokens(string text)
    {
        if (text.Trim().Equals(PlotCouplingRequest.AllRows, StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            throw new DisdException($"{NumTokens.Name} '{text}' is not a count; expected a positive integer or {PlotCouplingRequest.AllRows}");
        return RequestLimits.Tokens(count, NumTokens.Name);
    }

    private static void LogSummary(PlotCouplingSummary s)
    {
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: mean D_TV {s.MeanDtv:F4}; Gumbel {s.MeanGumbel:F4} (exact {s.MeanGumbelExact:F4}); "
            + $"weighted MinHash {s.MeanWmh:F4} (exact {s.MeanWmhExact:F4}); {s.Seconds:F1} s"));
        CliOutput.Log($"{Name}: figure {s.Figure}");
        CliOutput.Log($"{Name}: results {s.ResultsCsv}");
        foreach (var list in s.Lists)
            CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: Gumbel list K = {list.Size}: mean Pr[b ∈ list] {list.MeanMonteCarlo:F4} (exact {list.MeanExact:F4})"));
    }

    /// <summary>"1,2,4" → [1, 2, 4]: distinct integers in 1 … <see cref="MaxListSize"/>, in the order given.</summary>
    private int[] ParseListSizes(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        var sizes = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > MaxListSize)
                throw new DisdException($"{ListSizes.Name}: '{part.Trim()}' is not a list size; expected comma-separated integers in 1 … {MaxListSize}, e.g. "
                    + "1,2,4,8");
            if (sizes.Contains(size))
                throw new DisdException($"{ListSizes.Name}: {size} is given twice; expected distinct list sizes, e.g. 1,2,4,8");
            sizes.Add(size);
        }
        return [.. sizes];
    }
}
