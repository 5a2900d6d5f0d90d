using DISD.Couplings;
using DISD.IO;
using DISD.Plotting;

namespace DISD.Cli.Commands;

/// <summary>
/// Where plot-coupling's three outputs of one prompt and model pair go, and writing them. Naming: the results table
/// <c>&lt;data-dir&gt;/&lt;prompt&gt;/coupling_&lt;large&gt;_vs_&lt;small&gt;.csv</c> and its record (.json) beside it; the
/// figure <c>&lt;img-dir&gt;/&lt;prompt&gt;.png</c>, the original's name, for the run's large vs small models (the pair the
/// original plots; tables without a manifest count as that pair), and <c>&lt;prompt&gt;__&lt;large&gt;_vs_&lt;small&gt;.png</c>
/// for any other pair, so that figures of different pairs never share a name.
/// </summary>
internal sealed record PlotCouplingOutputs(string Figure, string Results, string RecordPath, CouplingRunManifest Record, string Title, string Subtitle,
    FigureFormat Format, string? ManifestPath)
{
    /// <param name="resultsFolder">The folder of the two tables: results go beside the tables they were measured on.</param>
    public static PlotCouplingOutputs For(PlotCouplingRequest request, string inputText, string resultsFolder, TableProvenance large, TableProvenance small,
        string runId)
    {
        var folderName = TextSanitizer.FolderName(inputText);
        var (largeLabel, smallLabel) = (ModelLabel(request.ModelLarge), ModelLabel(request.ModelSmall));
        var pair = $"{largeLabel}_vs_{smallLabel}";
        var results = Path.Combine(resultsFolder, TextSanitizer.ResultFileName($"coupling_{pair}", ".csv"));
        var record = Path.Combine(resultsFolder, TextSanitizer.ResultFileName($"coupling_{pair}", CouplingRunManifest.Extension));
        var figureName = TextSanitizer.PromptFileName(inputText, IsLargeVsSmall(large, small) ? "" : $"__{pair}", request.FigureExtension);
        var figure = Path.Combine(request.ImgDir, figureName);
        var manifest = new CouplingRunManifest(runId, inputText, largeLabel, smallLabel, Path.GetFileName(large.Table), Path.GetFileName(small.Table),
            request.NumTokens ?? 0, request.NumRetries, request.Engine, request.Seed, request.Device?.ToString(), RelativeFigure(resultsFolder, figure),
            Path.GetFileName(results),
            string.Join(',', request.ListSizes));
        return new PlotCouplingOutputs(figure, results, record, manifest, inputText, request.Subtitle(largeLabel, smallLabel), request.Format,
            large.ManifestPath);
    }

    /// <summary>
    /// The figure's path relative to the record's folder, so that a record still matches its figure after the data and
    /// image folders were copied or moved together (cp -r off a cluster); an absolute path would never match again.
    /// </summary>
    private static string RelativeFigure(string resultsFolder, string figure) =>
        Path.GetRelativePath(Path.GetFullPath(resultsFolder), Path.GetFullPath(figure)).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Whether the pair is the run's large and small model (by the roles in manifest.json); tables without a manifest count as that pair.</summary>
    private static bool IsLargeVsSmall(TableProvenance large, TableProvenance small) =>
        large.Manifest is null || (RoleOf(large) == "large" && RoleOf(small) == "small");

    private static string? RoleOf(TableProvenance table) =>
        table.Manifest?.Models.FirstOrDefault(m => DistributionTables.FileOf(m) == Path.GetFileName(table.Table))?.Role;

    /// <summary>
    /// The model's name in file names: the table's name for a .csv or .safetensors argument (so both formats of one run
    /// give the same results' names), else <see cref="TextSanitizer.ModelFileId"/>.
    /// </summary>
    public static string ModelLabel(string modelArg)
    {
        if (!DistributionTables.IsTablePath(modelArg))
            return TextSanitizer.ModelFileId(modelArg);
        var name = Path.GetFileNameWithoutExtension(modelArg);
        return name.EndsWith("_probs", StringComparison.Ordinal) ? name[..^"_probs".Length] : name;
    }

    /// <summary>
    /// --skip-existing: the record of complete results of this very request (same tables' run, same options and
    /// figure), or null. A request for every row (<see cref="CouplingRunManifest.NumTokens"/> 0) matches before the
    /// tables are read only if the record's count is also unknown, so it is checked again once the count is known.
    /// </summary>
    public CouplingRunManifest? ExistingComplete()
    {
        if (!File.Exists(RecordPath) || !File.Exists(Results) || !File.Exists(Figure)) return null;
        try
        {
            var existing = CouplingRunManifest.Read(RecordPath);
            // The figure must still show this record's run: another data folder's run of the same prompt replaces it.
            var shown = FigureMetadata.Read(File.ReadAllBytes(Figure));
            return existing == Record && (shown.GetValueOrDefault("disd:run_id") ?? "") == existing.RunId ? existing : null;
        }
        catch (DisdException)
        {
            return null;
        }
    }

    /// <summary><paramref name="record"/> with the full paths of its figure and results, for the log and --json of a skipped prompt.</summary>
    public CouplingRunManifest Located(CouplingRunManifest record) =>
        record with { Figure = Path.GetFullPath(Figure), Results = Path.GetFullPath(Results) };

    /// <summary>
    /// Writes the figure, the results and the record together or not at all: each is staged in a temporary file and all
    /// are renamed in one step (<see cref="AtomicFile.CommitAll"/>), under the exclusive <see cref="ResultLock"/> of the
    /// data and image folders, after checking that the tables' run is still the one in place. A full disk or a signal
    /// leaves none. Returns what the figure it replaced showed when that was another run or pair (null otherwise).
    /// </summary>
    public string? Write(IReadOnlyList<PositionCoupling> results)
    {
        var figure = CouplingFigure.Render(Title, results, Format, Subtitle);
        figure = FigureMetadata.Add(figure, Format,
        [
            new("disd:run_id", Record.RunId),
            new("disd:results", Path.GetFileName(Results)),
            new("Software", "disd plot-coupling"),
        ]);
        var resultsFolder = Path.GetDirectoryName(Path.GetFullPath(Results))!;
        var imageFolder = Path.GetDirectoryName(Path.GetFullPath(Figure))!;
        var imageFolderExisted = Directory.Exists(imageFolder);
        try
        {
            using var exclusive = ResultLock.Exclusive([Path.GetDirectoryName(resultsFolder) ?? resultsFolder, imageFolder],
                folder => CliOutput.Log($"{PlotCouplingCommand.Name}: waiting for another run writing into {folder}"));
            RequireSameRun();
            StaleOutputs.Remove(resultsFolder);
            StaleOutputs.Remove(imageFolder);
            var replaced = Replaced();
            using var figureFile = AtomicFile.Create(Figure);
            using var resultsFile = AtomicFile.Create(Results);
            using var recordFile = AtomicFile.Create(RecordPath);
            figureFile.Stream.Write(figure);
            CouplingResultsCsv.Write(resultsFile.Stream, results, Record.RunId);
            Record.Write(recordFile.Stream);
            AtomicFile.CommitAll([resultsFile, recordFile, figureFile]);
            return replaced;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing written means no image folder created for it either.
            if (!imageFolderExisted && Directory.Exists(imageFolder) && !Directory.EnumerateFileSystemEntries(imageFolder).Any())
                Directory.Delete(imageFolder);
            throw new DisdException($"cannot write the results {Results} and the figure {Figure} ({e.Message}); nothing was written", e);
        }
    }

    /// <summary>The tables' result folder may have been replaced while the couplings were measured.</summary>
    private void RequireSameRun()
    {
        if (ManifestPath is null) return;
        var now = File.Exists(ManifestPath) ? RunManifest.Read(ManifestPath).RunId ?? "" : "(none)";
        if (now != Record.RunId)
            throw new DisdException($"{ManifestPath}: the tables were replaced by another run (run {now}) while plot-coupling measured run {Record.RunId}; "
                + "run plot-coupling again");
    }

    /// <summary>The run and results of the figure about to be replaced, when they are not this one's.</summary>
    private string? Replaced()
    {
        if (!File.Exists(Figure)) return null;
        var entries = FigureMetadata.Read(File.ReadAllBytes(Figure));
        var run = entries.GetValueOrDefault("disd:run_id");
        var results = entries.GetValueOrDefault("disd:results");
        if (run == Record.RunId && results == Path.GetFileName(Results)) return null;
        return $"run {(string.IsNullOrEmpty(run) ? "(unknown)" : run)}, results {results ?? "(unknown)"}";
    }
}
