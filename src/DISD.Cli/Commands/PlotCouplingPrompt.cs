using System.Diagnostics;
using System.Globalization;
using DISD.Couplings;
using DISD.IO;

namespace DISD.Cli.Commands;

/// <summary>
/// plot-coupling for one prompt: finds the two tables of one generate-distribution run, measures the couplings per
/// position, and writes the figure, the results table and their record (<see cref="PlotCouplingOutputs"/>).
/// </summary>
internal static class PlotCouplingPrompt
{
    private const string Name = PlotCouplingCommand.Name;

    /// <summary>The summary of the prompt, or null when --skip-existing found its complete results (then <paramref name="skipped"/> is set).</summary>
    /// <param name="inputText">The prompt; null only when both models are *_probs.csv paths, whose manifest.json then gives it.</param>
    public static PlotCouplingSummary? Run(PlotCouplingRequest request, string? inputText, out CouplingRunManifest? skipped)
    {
        var clock = Stopwatch.StartNew();
        skipped = null;
        // Tables named by path do not need the prompt to be found; it is then taken from (and otherwise checked against) their manifest.
        var lookup = inputText ?? "";
        var csvLarge = DistributionLocator.Resolve(request.ModelLarge, request.DataDir, lookup);
        var csvSmall = DistributionLocator.Resolve(request.ModelSmall, request.DataDir, lookup);
        using var shared = ResultLock.Shared([ResultsParent(csvLarge), ResultsParent(csvSmall)],
            folder => CliOutput.Log($"{Name}: waiting for another run writing into {folder}"));
        var provenance = new[] { RunProvenance.Of(csvLarge), RunProvenance.Of(csvSmall) };
        var runId = RunProvenance.RequireOneRun(provenance[0], provenance[1]);
        var resultsFolder = ResultsFolder(csvLarge, csvSmall);
        if (provenance[0].Manifest is null)
            CliOutput.Log($"{Name}: no {RunManifest.FileName} beside the tables: cannot check that they come from one run or were made for the prompt");
        inputText = PromptOf(inputText, provenance[0], csvLarge);
        var outputs = PlotCouplingOutputs.For(request, inputText, resultsFolder, provenance[0], provenance[1], runId);
        if (request.SkipExisting && outputs.ExistingComplete() is { } record)
        {
            skipped = outputs.Located(record);
            return null;
        }

        // The two tables are read at once (each row on its own core as well); the logs keep their order.
        var smallRead = Task.Run(() => ReadTable(provenance[1]));
        using var large = ReadTable(provenance[0]);
        using var small = smallRead.GetAwaiter().GetResult();
        Logged(provenance[0], large);
        Logged(provenance[1], small);
        shared.Dispose();
        var (vocabSize, numTokens) = CheckTables(request, csvLarge, large, csvSmall, small);
        outputs = outputs with { Record = outputs.Record with { NumTokens = numTokens } };
        if (request.SkipExisting && outputs.ExistingComplete() is { } later)
        {
            skipped = outputs.Located(later);
            return null;
        }

        // After --skip-existing (complete results in a read-only copy are still skipped), before the measurement.
        RequireWritable(resultsFolder);
        CliOutput.Log($"{Name}: {inputText}: {CliOutput.Plural(numTokens, "position")} × {request.NumRetries} trials, V = "
            + $"{vocabSize}, engine {request.Engine}, seed {request.Seed}");
        var results = Measure(large.Rows, small.Rows, numTokens, request);
        var replaced = outputs.Write(results);
        if (replaced is not null)
            CliOutput.Log($"{Name}: replaced {Path.GetFullPath(outputs.Figure)}, which showed {replaced}");
        return new PlotCouplingSummary(
            inputText, request.ModelLarge, request.ModelSmall, Path.GetFullPath(csvLarge), Path.GetFullPath(csvSmall), vocabSize, results.Count,
            request.NumRetries, request.Engine, request.BitIdentical, request.Seed, runId, Path.GetFullPath(outputs.Figure), Path.GetFullPath(outputs.Results),
            Path.GetFullPath(outputs.RecordPath), replaced,
            results.Average(r => r.Dtv), results.Average(r => r.Gumbel.Rate), results.Average(r => r.Wmh.Rate),
            results.Average(r => r.GumbelExact), results.Average(r => r.WmhExact), clock.Elapsed.TotalSeconds,
            results.Select(PositionSummary.From).ToArray(), ListSummaries(results));
    }

    private static ListSizeSummary[] ListSummaries(IReadOnlyList<PositionCoupling> results) => results.Count == 0
        ? []
        : results[0].Lists.Select((list, index) => new ListSizeSummary(list.Size,
            results.Average(r => r.Lists[index].MonteCarlo.Rate), results.Average(r => r.Lists[index].Exact))).ToArray();

    /// <summary>
    /// The folder of both tables, where their results go: results never land beside tables of another run (such as the
    /// --data-dir folder of the same prompt when the tables are named by path).
    /// </summary>
    private static string ResultsFolder(string csvLarge, string csvSmall)
    {
        if (RunProvenance.InOneFolder(csvLarge, csvSmall)) return Path.GetDirectoryName(Path.GetFullPath(csvLarge))!;
        throw new DisdException($"--model-large's table {csvLarge} and --model-small's table {csvSmall} lie in different folders; "
            + "plot-coupling writes its results beside the tables, so pass two tables of one generate-distribution result folder");
    }

    /// <summary>The prompt the tables were generated for: --input-text must be the one their manifest records (it titles the figure).</summary>
    private static string PromptOf(string? inputText, TableProvenance large, string csvLarge)
    {
        if (large.Manifest is not { } manifest)
        {
            return inputText ?? throw new DisdException(
                $"give the prompt with --input-text: {csvLarge} has no {RunManifest.FileName} beside it to take the prompt from");
        }

        if (inputText is null || inputText == manifest.InputText) return manifest.InputText;
        throw new DisdException($"--input-text '{inputText}' is not the prompt of the tables: {large.ManifestPath} records '{manifest.InputText}'; "
            + "pass --input-text with that prompt (or leave --input-text out when the models are *_probs.csv paths)");
    }

    /// <summary>The results folder must take new files before the measurement, not after it (an image folder is checked the same way).</summary>
    private static void RequireWritable(string folder)
    {
        if (CliOptions.CannotCreateFilesIn(folder) is { } e)
        {
            throw new DisdException($"cannot create the results in {folder}, the tables' folder ({e.Message}); "
                + "copy the tables' result folder to a place you can write to and name it with --data-dir", e);
        }
    }

    private static string ResultsParent(string table) => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(table))!) ?? "/";

    /// <summary>A table's rows as float32 values (a safetensors table mapped, a CSV table parsed), every row checked.</summary>
    private static LoadedTable ReadTable(TableProvenance provenance)
    {
        var clock = Stopwatch.StartNew();
        var path = provenance.Table;
        var table = DistributionTables.OpenFloat32(path);
        if (provenance.Manifest is { } manifest && table.Positions != manifest.TokenIds.Count)
        {
            table.Dispose();
            throw new DisdException($"{path} has {table.Positions} rows but {provenance.ManifestPath} records {manifest.TokenIds.Count} generated tokens: "
                + "the table was changed after its run; rerun generate-distribution");
        }
        return new LoadedTable(table, clock.Elapsed.TotalSeconds);
    }

    private static void Logged(TableProvenance provenance, LoadedTable table) =>
        CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: read {Path.GetFullPath(provenance.Table)} ({table.Positions} × {table.Vocab}) in {table.Seconds:F2} s"));

    /// <summary>A table read, and how long the read took (for the log line).</summary>
    private sealed record LoadedTable(Float32Table Table, double Seconds) : IDisposable
    {
        public IReadOnlyList<ReadOnlyMemory<float>> Rows => Table.Rows;

        public int Positions => Table.Positions;

        public int Vocab => Table.Vocab;

        public void Dispose() => Table.Dispose();
    }

    /// <summary>The vocabulary and the positions to compare (every row for --num-tokens all).</summary>
    private static (int Vocab, int Positions) CheckTables(PlotCouplingRequest request, string csvLarge, LoadedTable large, string csvSmall, LoadedTable small)
    {
        var vocabLarge = large.Vocab;
        var vocabSmall = small.Vocab;
        if (vocabLarge != vocabSmall)
            throw new DisdException($"the tables have different vocabularies: {csvLarge} has V = {vocabLarge}, {csvSmall} has V = {vocabSmall}");
        var rows = Math.Min(large.Positions, small.Positions);
        if (request.NumTokens is not { } wanted)
            return (vocabLarge, rows);
        foreach (var (path, table) in new[] { (csvLarge, large), (csvSmall, small) })
        {
            if (wanted > table.Positions)
                throw new DisdException(
                    $"--num-tokens {wanted} exceeds the {table.Positions} rows of {path} (--num-tokens {PlotCouplingRequest.AllRows} takes every row)");
        }

        return (vocabLarge, wanted);
    }

    /// <summary>Runs the experiment with the dense engine on the request's device, or with the race engine when it has none.</summary>
    private static IReadOnlyList<PositionCoupling> Measure(IReadOnlyList<ReadOnlyMemory<float>> large,
        IReadOnlyList<ReadOnlyMemory<float>> small, int numTokens, PlotCouplingRequest request)
    {
        if (request.Device is { } device)
        {
            using var dense = new DenseEstimator(device);
            CliOutput.Log($"{Name}: dense engine on {dense.Device}");
            return CliProgress.Run("positions", numTokens,
                progress => CouplingExperiment.Run(large, small, numTokens, request.NumRetries, dense, request.Seed, progress, request.ListSizes));
        }

        var race = new RaceEstimator();
        return CliProgress.Run("positions", numTokens,
            progress => CouplingExperiment.Run(large, small, numTokens, request.NumRetries, race, request.Seed, progress, request.ListSizes));
    }
}
