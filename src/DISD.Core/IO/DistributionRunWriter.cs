using System.Diagnostics;
using DISD.Decoding;

namespace DISD.IO;

/// <summary>The files <see cref="DistributionRunWriter"/> wrote for one prompt (full paths).</summary>
/// <param name="TableBytes">Size of the *_probs.csv (or *_probs.safetensors) tables and tokens.csv.</param>
/// <param name="WriteSeconds">Time spent writing them (the manifest and the final moves aside).</param>
public sealed record DistributionRunFiles(string Folder, IReadOnlyList<string> ProbabilityTables, string TokensCsv, string Manifest,
    long TableBytes, double WriteSeconds);

/// <summary>
/// Writes the result folder of one prompt of generate-distribution: <c>&lt;model id&gt;_probs.csv</c> per model (the
/// original layout) or <c>&lt;model id&gt;_probs.safetensors</c>, tokens.csv and manifest.json, replacing the whole
/// folder or nothing (<see cref="StagedFolder"/>).
/// </summary>
public static class DistributionRunWriter
{
    /// <param name="folder">The result folder (&lt;data-dir&gt;/&lt;sanitized input text&gt;).</param>
    /// <param name="modelIds">File ids of the models, in the order of <paramref name="result"/>'s distributions.</param>
    /// <param name="tokenTexts">Vocabulary text of each generated token.</param>
    /// <param name="manifest">The manifest, given the seconds spent writing the tables.</param>
    /// <param name="format">How the tables are stored; a safetensors table records its model and the run id in its metadata.</param>
    /// <param name="waiting">Told the data folder's name when another run is writing there (see <see cref="StagedFolder"/>).</param>
    public static DistributionRunFiles Write(string folder, IReadOnlyList<string> modelIds, GeneratedDistributions result,
        IReadOnlyList<string> tokenTexts, Func<double, RunManifest> manifest, TableFormat format = TableFormat.Csv, Action<string>? waiting = null)
    {
        if (modelIds.Count != result.Distributions.Count)
            throw new ArgumentException($"{modelIds.Count} model ids but {result.Distributions.Count} tables");
        if (modelIds.Distinct(StringComparer.Ordinal).Count() != modelIds.Count)
            throw new ArgumentException($"model ids repeat: {string.Join(", ", modelIds)}");
        var clock = Stopwatch.StartNew();
        using var staged = new StagedFolder(folder, waiting);
        var tables = new List<string>();
        // The run id digests the request and the tokens, not the timings, so it is known before the tables are written.
        var runId = format == TableFormat.Safetensors ? manifest(0).RunId : "";
        for (var m = 0; m < modelIds.Count; m++)
        {
            var name = DistributionTables.FileName(modelIds[m], format);
            var metadata = new Dictionary<string, string> { [DistributionSafetensors.ModelKey] = modelIds[m], [DistributionSafetensors.RunIdKey] = runId };
            DistributionTables.Write(staged.Stage(name), format, result.Distributions[m], metadata);
            tables.Add(staged.FinalPath(name));
        }

        using (var tokens = File.Create(staged.Stage(TokensCsv.FileName)))
        {
            TokensCsv.Write(tokens, modelIds, result.TokenIds, tokenTexts, result.Distributions);
        }

        var writeSeconds = clock.Elapsed.TotalSeconds;
        var bytes = Directory.EnumerateFiles(staged.StagingPath).Sum(f => new FileInfo(f).Length);
        using (var stream = File.Create(staged.Stage(RunManifest.FileName)))
        {
            manifest(writeSeconds).Write(stream);
        }

        staged.Commit();
        return new DistributionRunFiles(staged.Target, tables, staged.FinalPath(TokensCsv.FileName), staged.FinalPath(RunManifest.FileName), bytes,
            writeSeconds);
    }
}
