using System.CommandLine;
using System.Globalization;
using DISD.IO;
using DISD.Plotting;
using DISD.Reports;

namespace DISD.Cli.Commands;

/// <summary>
/// <c>disd report</c>: summarizes every plot-coupling result under --data-dir (the union of any number of shards'
/// outputs): a table with one row per prompt × model pair and a pooled row per pair, the agreement-vs-D_TV scatter of
/// all positions and a D_TV histogram per pair, written together into --report-dir.
/// </summary>
public sealed class ReportCommand
{
    public const string Name = "report";
    public const string TableName = "report.csv";

    private readonly Option<string> DataDir =
        CliOptions.Text("--data-dir", "Folder of the result folders (<data-dir>/<prompt>/coupling_*.csv)", "./data", "--data_dir");
    private readonly Option<string> ReportDir =
        CliOptions.Text("--report-dir", "Folder the table and the figures are written to", "./report", "--report_dir", "--img-dir");
    private readonly Option<string> Format = CliOptions.Choice("--format", "Figure format", "png", "png", "svg");
    private readonly Option<bool> Json = CliOptions.Json();

    public static Command Create() => new ReportCommand().Build();

    private Command Build()
    {
        var command = new Command(Name, "Summarize every plot-coupling result under --data-dir: a table per prompt and model pair, a pooled row, the "
            + "agreement-vs-D_TV scatter and D_TV histograms")
        {
            DataDir, ReportDir, Format, Json,
        };
        command.SetAction(Run);
        return command;
    }

    private int Run(ParseResult parse)
    {
        var dataDir = CliOptions.RequireFolder(parse.GetRequiredValue(DataDir), DataDir);
        var reportDir = CliOptions.RequireWritableFolder(parse.GetRequiredValue(ReportDir), ReportDir);
        var format = Enum.Parse<FigureFormat>(parse.GetRequiredValue(Format), ignoreCase: true);
        IReadOnlyList<CouplingResult> results;
        var leftOut = new List<LeftOutFolder>();
        using (ResultLock.Shared([dataDir], folder => CliOutput.Log($"{Name}: waiting for another run writing into {folder}")))
        {
            results = CouplingResultSet.Collect(dataDir, DataDir.Name, leftOut);
        }

        // A prompt missing from the report must be visible: a regenerated prompt loses its results until plot-coupling runs again.
        foreach (var folder in leftOut)
            CliOutput.Log($"{Name}: left out {Path.Combine(Path.GetFullPath(dataDir), folder.Folder)}: {folder.Reason}");

        var rows = results.Select(r => new ReportRow(r.Prompt, r.Folder, r.ModelLarge, r.ModelSmall, r.RunId, r.Trials, CouplingAggregate.Of(r.Rows))).ToList();
        var pairs = results.GroupBy(r => (r.ModelLarge, r.ModelSmall))
            .OrderBy(g => g.Key.ModelLarge, StringComparer.Ordinal).ThenBy(g => g.Key.ModelSmall, StringComparer.Ordinal)
            .Select(g => new ReportPair(g.Key.ModelLarge, g.Key.ModelSmall, g.Count(), CouplingAggregate.Of(g.SelectMany(r => r.Rows).ToList()), g.ToList()))
            .ToList();
        var files = Write(reportDir, format, rows, pairs);
        var summary = new ReportSummary(Path.GetFullPath(dataDir), results.Select(r => r.Folder).Distinct().Count(),
            pairs.Select(p => new ReportPairSummary(p.Large, p.Small, p.Prompts, p.Pooled)).ToList(), rows, files, leftOut);
        foreach (var p in summary.Pairs)
        {
            CliOutput.Log(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {p.ModelLarge} vs {p.ModelSmall}: {CliOutput.Plural(p.Prompts, "prompt")}, {CliOutput.Plural(p.Pooled.Positions, "position")}, "
                + $"mean D_TV {p.Pooled.MeanDtv:F4}; Gumbel {p.Pooled.Gumbel:F4} (exact {p.Pooled.GumbelExact:F4}, ×{p.Pooled.GumbelExactOverBound:F3} "
                + $"the bound, ×{p.Pooled.GumbelExactOverOptimal:F3} 1−D); weighted MinHash {p.Pooled.Wmh:F4} (exact {p.Pooled.WmhExact:F4}, "
                + $"×{p.Pooled.WmhExactOverBound:F3}, ×{p.Pooled.WmhExactOverOptimal:F3})"));
        }

        CliOutput.Log($"{Name}: wrote {files.Table} and {CliOutput.Plural(files.Figures.Count, "figure")} into {Path.GetFullPath(reportDir)}"
            + (leftOut.Count > 0 ? $"; left out {CliOutput.Plural(leftOut.Count, "folder")} without results (named above)" : ""));
        if (parse.GetValue(Json))
            CliOutput.Json(summary);
        return CliApp.Success;
    }

    private sealed record ReportPair(string Large, string Small, int Prompts, CouplingAggregate Pooled, IReadOnlyList<CouplingResult> Results);

    /// <summary>The table and the figures appear together or not at all (<see cref="AtomicFile.CommitAll"/>).</summary>
    private static ReportFiles Write(string reportDir, FigureFormat format, IReadOnlyList<ReportRow> rows, IReadOnlyList<ReportPair> pairs)
    {
        Directory.CreateDirectory(reportDir);
        var extension = "." + format.ToString().ToLowerInvariant();
        var outputs = new List<(string Path, byte[] Bytes)>
        {
            (Path.Combine(reportDir, TableName), ReportTable.Csv(rows, pairs.Select(p => (p.Large, p.Small, p.Prompts, p.Pooled)).ToList())),
        };
        foreach (var pair in pairs)
        {
            var label = $"{pair.Large} vs {pair.Small}";
            var trials = pair.Results.Select(r => r.Trials).Distinct().ToList();
            var seeds = pair.Results.Select(r => r.Seed).Distinct().ToList();
            var subtitle = string.Create(CultureInfo.InvariantCulture,
                $"{label} · {CliOutput.Plural(pair.Prompts, "prompt")}, {pair.Pooled.Positions:N0} position{(pair.Pooled.Positions == 1 ? "" : "s")} · "
                + $"{(trials.Count == 1 && trials[0] is { } t ? $"{t:N0} trials per point" : "trials vary")} · "
                + $"{(seeds.Count == 1 && seeds[0] is { } s ? $"seed {s}" : "seeds vary")}");
            var points = pair.Results.SelectMany(r => r.Rows).Select(r => new AgreementPoint(r.Dtv, r.Gumbel, r.Wmh)).ToList();
            var stem = TextSanitizer.ResultFileName($"{pair.Large}_vs_{pair.Small}", "");
            outputs.Add((Path.Combine(reportDir, $"agreement_vs_dtv_{stem}{extension}"),
                ReportFigures.AgreementScatter("Agreement of all positions of all prompts", subtitle, points, format)));
            outputs.Add((Path.Combine(reportDir, $"dtv_histogram_{stem}{extension}"),
                ReportFigures.DtvHistogram($"D_TV per position: {label}", subtitle, points.Select(p => p.Dtv).ToList(), format)));
        }

        try
        {
            using var exclusive = ResultLock.Exclusive([reportDir], folder => CliOutput.Log($"{Name}: waiting for another run writing into {folder}"));
            StaleOutputs.Remove(reportDir);
            var files = new List<AtomicFile>();
            try
            {
                foreach (var (path, bytes) in outputs)
                {
                    files.Add(AtomicFile.Create(path));
                    files[^1].Stream.Write(bytes);
                }

                AtomicFile.CommitAll(files);
            }
            finally
            {
                foreach (var file in files) file.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"--report-dir {reportDir}: cannot write the report ({e.Message}); nothing was written", e);
        }

        var paths = outputs.Select(o => Path.GetFullPath(o.Path)).ToList();
        return new ReportFiles(paths[0], paths.Skip(1).ToList());
    }
}
