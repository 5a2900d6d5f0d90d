using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DISD.Couplings;
using DISD.IO;
using DISD.Plotting;
using DISD.Runtime;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd plot-coupling</c>: the port of the original plot_coupling_bounds.py. Reads the two models' distribution
/// tables, measures the Gumbel and weighted MinHash agreement per position, and writes the figure and a results CSV.
/// </summary>
public sealed class PlotCouplingCommand
{
    public const string Name = "plot-coupling";

    private readonly Option<string> ModelLarge = CliOptions.Text("--model-large",
        "The large model (p): a repo id (org/name), a checkpoint folder, or a *_probs.csv file", Models.EmbeddedModels.Large, "--model_large");
    private readonly Option<string> ModelSmall = CliOptions.Text("--model-small",
        "The small model (q): a repo id (org/name), a checkpoint folder, or a *_probs.csv file", Models.EmbeddedModels.Small, "--model_small");
    private readonly Option<string> InputText = CliOptions.RequiredText("--input-text",
        "The prompt the distributions were generated for; names the data folder and titles the figure", "--input_text");
    private readonly Option<int> NumTokens = CliOptions.Int("--num-tokens", "Positions to compare (the first rows of each table)", 32, "--num_tokens");
    private readonly Option<int> NumRetries = CliOptions.Int("--num-retries", "Monte-Carlo trials per position and coupling", 20000, "--num_retries");
    private readonly Option<string> Engine = CliOptions.Choice("--mc",
        "Monte-Carlo engine: race (exact lazy simulation, pure C#) or dense (one uniform per token per trial, torch)", "race", "race", "dense");
    private readonly Option<string> DataDir = CliOptions.Text("--data-dir", "Folder of the distribution tables (<data-dir>/<input text>/<model>_probs.csv)", "./data", "--data_dir");
    private readonly Option<string> ImgDir = CliOptions.Text("--img-dir", "Folder the figure is written to", "./img", "--img_dir");
    private readonly Option<ulong> Seed = CliOptions.Seed();
    private readonly Option<string> Device = CliOptions.Device();
    private readonly Option<string> Format = CliOptions.Choice("--format", "Figure format", "png", "png", "svg");
    private readonly Option<bool> Json = CliOptions.Json();
    private readonly Option<string> ListSizes = CliOptions.Text("--list-sizes",
        $"Comma-separated list sizes K (1 … {MaxListSize}) for the Gumbel list agreement Pr[b ∈ K drafts] (target = large); empty: none", "", "--list_sizes");

    /// <summary>Each list size costs K races per trial; beyond this the figure gains nothing.</summary>
    public const int MaxListSize = 64;

    private PlotCouplingCommand()
    {
        Device.Description += " (only used by --mc dense)";
    }

    public static Command Create() => new PlotCouplingCommand().Build();

    private Command Build()
    {
        var command = new Command(Name, "Measure how often Gumbel sampling and weighted MinHash agree per position, and plot it against D_TV (the paper's coupling figure)")
        {
            ModelLarge, ModelSmall, InputText, NumTokens, NumRetries, Engine, DataDir, ImgDir, Seed, Device, Format, Json,
            ListSizes,
        };
        command.SetAction(Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        var inputText = parse.GetRequiredValue(InputText);
        var modelLarge = parse.GetRequiredValue(ModelLarge);
        var modelSmall = parse.GetRequiredValue(ModelSmall);
        var numTokens = CliOptions.RequirePositive(parse.GetValue(NumTokens), NumTokens);
        var numRetries = CliOptions.RequirePositive(parse.GetValue(NumRetries), NumRetries);
        var engineName = parse.GetRequiredValue(Engine);
        var dataDir = CliOptions.RequireFolder(parse.GetRequiredValue(DataDir), DataDir);
        var imgDir = CliOptions.RequireWritableFolder(parse.GetRequiredValue(ImgDir), ImgDir);
        var seed = parse.GetValue(Seed);
        var format = Enum.Parse<FigureFormat>(parse.GetRequiredValue(Format), ignoreCase: true);
        var listSizes = ParseListSizes(parse.GetRequiredValue(ListSizes));

        // The device is checked before the tables are read, so that a bad --device fails at once.
        var device = engineName == "dense" ? DeviceSelector.Resolve(parse.GetRequiredValue(Device)) : null;
        var folderName = TextSanitizer.FolderName(inputText);
        foreach (var (value, option) in new[] { (modelLarge, ModelLarge), (modelSmall, ModelSmall) })
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new DisdException($"{option.Name} is empty; give a model id, a checkpoint folder or a *_probs.csv file");
        }

        var csvLarge = DistributionLocator.Resolve(modelLarge, dataDir, inputText);
        var csvSmall = DistributionLocator.Resolve(modelSmall, dataDir, inputText);
        var (large, small, runId, manifestPath) = ReadOneRun(csvLarge, csvSmall);
        var vocabSize = CheckTables(csvLarge, large, csvSmall, small, numTokens);

        var figurePath = Path.Combine(imgDir, $"{folderName}.{format.ToString().ToLowerInvariant()}");
        var resultsPath = Path.Combine(dataDir, folderName, TextSanitizer.ResultFileName($"coupling_{ModelLabel(modelLarge)}_vs_{ModelLabel(modelSmall)}", ".csv"));

        CliOutput.Log($"{Name}: {numTokens} positions × {numRetries} trials, V = {vocabSize}, engine {engineName}, seed {seed}");
        var results = Measure(large, small, numTokens, numRetries, device, seed, listSizes);

        WriteOutputs(new Outputs(figurePath, resultsPath, inputText, format, runId, manifestPath), results);
        var summary = Summarize(parse, results, csvLarge, csvSmall, vocabSize, engineName, figurePath, resultsPath, clock.Elapsed.TotalSeconds);
        LogSummary(summary);
        if (parse.GetValue(Json))
        {
            CliOutput.Json(summary);
        }

        return CliApp.Success;
    }

    /// <summary>
    /// Reads both tables and checks that they come from one generate-distribution run (<see cref="RunProvenance"/>),
    /// holding the shared <see cref="ResultLock"/> of the folders their result folders live in, so that a run that
    /// replaces a result folder meanwhile cannot hand over a manifest of one run and a table of another.
    /// </summary>
    private static (double[][] Large, double[][] Small, string RunId, string? ManifestPath) ReadOneRun(string csvLarge, string csvSmall)
    {
        using var shared = ResultLock.Shared([ResultsParent(csvLarge), ResultsParent(csvSmall)],
            folder => CliOutput.Log($"{Name}: waiting for another run writing into {folder}"));
        var provenance = new[] { RunProvenance.Of(csvLarge), RunProvenance.Of(csvSmall) };
        var runId = RunProvenance.RequireOneRun(provenance[0], provenance[1]);
        if (provenance[0].Manifest is null)
            CliOutput.Log($"{Name}: no {RunManifest.FileName} beside the tables: cannot check that they come from one run");
        var large = ReadTable(provenance[0]);
        var small = ReadTable(provenance[1]);
        return (large, small, runId, provenance[0].ManifestPath);
    }

    private static string ResultsParent(string table) => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(table))!) ?? "/";

    private static double[][] ReadTable(TableProvenance provenance)
    {
        var clock = Stopwatch.StartNew();
        var path = provenance.Table;
        var rows = DistributionCsv.Read(path);
        if (provenance.Manifest is { } manifest && rows.Length != manifest.TokenIds.Count)
            throw new DisdException($"{path} has {rows.Length} rows but {provenance.ManifestPath} records {manifest.TokenIds.Count} generated tokens: the table was changed after its run; rerun generate-distribution");
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture, $"{Name}: read {path} ({rows.Length} × {rows[0].Length}) in {clock.Elapsed.TotalSeconds:F2} s"));
        return rows;
    }

    private int CheckTables(string csvLarge, double[][] large, string csvSmall, double[][] small, int numTokens)
    {
        var vocabLarge = large[0].Length;
        var vocabSmall = small[0].Length;
        if (vocabLarge != vocabSmall)
        {
            throw new DisdException($"the tables have different vocabularies: {csvLarge} has V = {vocabLarge}, {csvSmall} has V = {vocabSmall}");
        }

        foreach (var (path, rows) in new[] { (csvLarge, large), (csvSmall, small) })
        {
            if (numTokens > rows.Length)
            {
                throw new DisdException($"{NumTokens.Name} {numTokens} exceeds the {rows.Length} rows of {path}");
            }
        }

        return vocabLarge;
    }

    /// <summary>Runs the experiment with the dense engine on <paramref name="device"/>, or with the race engine when it is null.</summary>
    private static IReadOnlyList<PositionCoupling> Measure(double[][] large, double[][] small, int numTokens, int numRetries,
        TorchSharp.torch.Device? device, ulong seed, int[] listSizes)
    {
        if (device is not null)
        {
            using var dense = new DenseEstimator(device);
            CliOutput.Log($"{Name}: dense engine on {dense.Device}");
            return CliProgress.Run("positions", numTokens, progress => CouplingExperiment.Run(large, small, numTokens, numRetries, dense, seed, progress, listSizes));
        }

        var race = new RaceEstimator();
        return CliProgress.Run("positions", numTokens, progress => CouplingExperiment.Run(large, small, numTokens, numRetries, race, seed, progress, listSizes));
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
                throw new DisdException($"{ListSizes.Name}: '{part.Trim()}' is not a list size; expected comma-separated integers in 1 … {MaxListSize}, e.g. 1,2,4,8");
            if (sizes.Contains(size))
                throw new DisdException($"{ListSizes.Name}: {size} is given twice; expected distinct list sizes, e.g. 1,2,4,8");
            sizes.Add(size);
        }
        return [.. sizes];
    }

    /// <summary>Where the figure and the results table go, and the run they come from (<see cref="RunManifest.RunId"/>, "" when unknown).</summary>
    private sealed record Outputs(string Figure, string Results, string Title, FigureFormat Format, string RunId, string? ManifestPath);

    /// <summary>
    /// Both outputs appear together or not at all: each is staged in a temporary file and both are renamed in one step
    /// (<see cref="AtomicFile.CommitAll"/>), under the exclusive <see cref="ResultLock"/> of the data and image folders,
    /// after checking that the tables' run is still the one in place. A full disk or a signal leaves neither.
    /// </summary>
    private static void WriteOutputs(Outputs outputs, IReadOnlyList<PositionCoupling> results)
    {
        var figure = CouplingFigure.Render(outputs.Title, results, outputs.Format);
        figure = FigureMetadata.Add(figure, outputs.Format,
        [
            new("disd:run_id", outputs.RunId),
            new("disd:results", Path.GetFileName(outputs.Results)),
            new("Software", "disd plot-coupling"),
        ]);
        var resultsFolder = Path.GetDirectoryName(Path.GetFullPath(outputs.Results))!;
        var imageFolder = Path.GetDirectoryName(Path.GetFullPath(outputs.Figure))!;
        try
        {
            using var exclusive = ResultLock.Exclusive([Path.GetDirectoryName(resultsFolder) ?? resultsFolder, imageFolder],
                folder => CliOutput.Log($"{Name}: waiting for another run writing into {folder}"));
            RequireSameRun(outputs);
            StaleOutputs.Remove(resultsFolder);
            StaleOutputs.Remove(imageFolder);
            using var figureFile = AtomicFile.Create(outputs.Figure);
            using var resultsFile = AtomicFile.Create(outputs.Results);
            figureFile.Stream.Write(figure);
            CouplingResultsCsv.Write(resultsFile.Stream, results, outputs.RunId);
            AtomicFile.CommitAll([resultsFile, figureFile]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"cannot write the results {outputs.Results} and the figure {outputs.Figure} ({e.Message}); nothing was written", e);
        }
    }

    /// <summary>The tables' result folder may have been replaced while the couplings were measured.</summary>
    private static void RequireSameRun(Outputs outputs)
    {
        if (outputs.ManifestPath is null) return;
        var now = File.Exists(outputs.ManifestPath) ? RunManifest.Read(outputs.ManifestPath).RunId ?? "" : "(none)";
        if (now != outputs.RunId)
            throw new DisdException($"{outputs.ManifestPath}: the tables were replaced by another run (run {now}) while plot-coupling measured run {outputs.RunId}; run plot-coupling again");
    }

    /// <summary>The model's name in the results file name: the table's name for a .csv argument, else <see cref="TextSanitizer.ModelFileId"/>.</summary>
    private static string ModelLabel(string modelArg)
    {
        if (!modelArg.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return TextSanitizer.ModelFileId(modelArg);
        }

        var name = Path.GetFileNameWithoutExtension(modelArg);
        return name.EndsWith("_probs", StringComparison.Ordinal) ? name[..^"_probs".Length] : name;
    }

    private PlotCouplingSummary Summarize(ParseResult parse, IReadOnlyList<PositionCoupling> results, string csvLarge, string csvSmall,
        int vocabSize, string engineName, string figurePath, string resultsPath, double seconds) => new(
        parse.GetRequiredValue(InputText),
        parse.GetRequiredValue(ModelLarge),
        parse.GetRequiredValue(ModelSmall),
        Path.GetFullPath(csvLarge),
        Path.GetFullPath(csvSmall),
        vocabSize,
        results.Count,
        parse.GetValue(NumRetries),
        engineName,
        parse.GetValue(Seed),
        Path.GetFullPath(figurePath),
        Path.GetFullPath(resultsPath),
        results.Average(r => r.Dtv),
        results.Average(r => r.Gumbel.Rate),
        results.Average(r => r.Wmh.Rate),
        results.Average(r => r.GumbelExact),
        results.Average(r => r.WmhExact),
        seconds,
        results.Select(PositionSummary.From).ToArray(),
        ListSummaries(results));

    private static ListSizeSummary[] ListSummaries(IReadOnlyList<PositionCoupling> results) => results.Count == 0
        ? []
        : results[0].Lists.Select((list, index) => new ListSizeSummary(list.Size,
            results.Average(r => r.Lists[index].MonteCarlo.Rate), results.Average(r => r.Lists[index].Exact))).ToArray();

    private static void LogSummary(PlotCouplingSummary s)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"""
            {Name}: mean D_TV {s.MeanDtv:F4}; Gumbel {s.MeanGumbel:F4} (exact {s.MeanGumbelExact:F4}); weighted MinHash {s.MeanWmh:F4} (exact {s.MeanWmhExact:F4}); {s.Seconds:F1} s
            {Name}: figure {s.Figure}
            {Name}: results {s.ResultsCsv}
            """);
        CliOutput.Log(text);
        foreach (var list in s.Lists)
            CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: Gumbel list K = {list.Size}: mean Pr[b ∈ list] {list.MeanMonteCarlo:F4} (exact {list.MeanExact:F4})"));
    }
}
