using System.Globalization;
using DISD.IO;
using DISD.Plotting;
using DISD.Tests.Cli;

namespace DISD.Tests.Batch;

/// <summary>Batch modes across prompts: shards, resume, per-prompt status and exit codes, figure naming.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BatchCliTests : IDisposable
{
    private readonly BatchRuns _runs = new();

    public void Dispose() => _runs.Dispose();

    private static void Ok((int Code, string Stdout, string Stderr) run) => Assert.True(run.Code == 0, run.Stderr);

    [Fact]
    public void TheUnionOfTheShardsIsByteIdenticalToTheUnshardedRun()
    {
        Ok(_runs.Generate("whole"));
        Ok(_runs.Plot("whole"));
        foreach (var shard in new[] { "0/2", "1/2" })
        {
            Ok(_runs.Generate("sharded", "--shard", shard));
            Ok(_runs.Plot("sharded", "--shard", shard));
        }

        var whole = _runs.Contents("whole");
        var sharded = _runs.Contents("sharded");
        Assert.Equal(BatchRuns.Folders.Length * 7 + BatchRuns.Folders.Length, whole.Count); // 3 tables, tokens, manifest, results, record; a figure
        Assert.Equal(whole.Keys, sharded.Keys);
        foreach (var (file, content) in whole)
        {
            Assert.True(content == sharded[file], $"{file} differs");
        }
    }

    [Fact]
    public void AShardHoldsPromptKModN()
    {
        var (code, stdout, stderr) = _runs.Generate("a", "--shard", "1/2", "--json");

        Assert.True(code == 0, stderr);
        var prompts = BatchRuns.Json(stdout).GetProperty("prompts").EnumerateArray().ToList();
        Assert.Equal([1], prompts.Select(p => p.GetProperty("index").GetInt32()));
        Assert.Equal("1/2", BatchRuns.Json(stdout).GetProperty("shard").GetString());
        Assert.Equal([BatchRuns.Folders[1]], Directory.GetDirectories(_runs.Dir("a", "data")).Select(Path.GetFileName));
    }

    [Fact]
    public void SkipExistingSkipsCompleteResultsOfTheSameRequestAndRedoesOthers()
    {
        Ok(_runs.Generate("a", "--shard", "0/2"));
        var before = File.ReadAllBytes(Path.Combine(_runs.Dir("a", "data"), BatchRuns.Folders[0], RunManifest.FileName));

        var (code, stdout, stderr) = _runs.Generate("a", "--skip-existing", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(["skipped", "done", "skipped"], BatchRuns.Statuses(stdout));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_runs.Dir("a", "data"), BatchRuns.Folders[0], RunManifest.FileName)));
        var skipped = BatchRuns.Json(stdout).GetProperty("prompts")[0];
        Assert.Equal(RunManifest.Read(Path.Combine(_runs.Dir("a", "data"), BatchRuns.Folders[0], RunManifest.FileName)).RunId,
            skipped.GetProperty("run_id").GetString());

        (code, stdout, stderr) = _runs.Generate("a", "--skip-existing", "--json", "--temperature", "0.9");
        Assert.True(code == 0, stderr);
        Assert.Equal(["done", "done", "done"], BatchRuns.Statuses(stdout));

        Ok(_runs.Plot("a"));
        (code, stdout, stderr) = _runs.Plot("a", "--skip-existing", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(["skipped", "skipped", "skipped"], BatchRuns.Statuses(stdout));
        (code, stdout, stderr) = _runs.Plot("a", "--skip-existing", "--json", "--num-retries", "200");
        Assert.True(code == 0, stderr);
        Assert.Equal(["done", "done", "done"], BatchRuns.Statuses(stdout));
    }

    [Fact]
    public void AFailedPromptIsReportedAndTheExitCodeSaysSo()
    {
        Ok(_runs.Generate("a", "--shard", "0/2"));

        var (code, stdout, _) = _runs.Plot("a", "--json");

        Assert.Equal(3, code);
        Assert.Equal(["done", "failed", "done"], BatchRuns.Statuses(stdout));
        var failed = BatchRuns.Json(stdout).GetProperty("prompts").EnumerateArray().Single(p => p.GetProperty("status").GetString() == "failed");
        Assert.Contains("no distribution table", failed.GetProperty("message").GetString());
        Assert.Equal(1, BatchRuns.Json(stdout).GetProperty("failed").GetInt32());
    }

    [Fact]
    public void FiguresOfOtherPairsGetTheirOwnNamesAndSayWhatTheyShow()
    {
        Ok(_runs.Generate("a", "--shard", "0/3"));
        Ok(_runs.Plot("a", "--shard", "0/3"));
        Ok(_runs.Plot("a", "--shard", "0/3", "--model-small", "gemma2-wordnet-medium"));

        var img = _runs.Dir("a", "img");
        Assert.Equal(["What_is_a_lion.png", "What_is_a_lion__gemma2-wordnet-large_vs_gemma2-wordnet-medium.png"],
            Directory.GetFiles(img).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var entries = FigureMetadata.Read(File.ReadAllBytes(Path.Combine(img, "What_is_a_lion.png")));
        Assert.Equal("coupling_gemma2-wordnet-large_vs_gemma2-wordnet-small.csv", entries["disd:results"]);
        var record = CouplingRunManifest.Read(Path.Combine(_runs.Dir("a", "data"), "What_is_a_lion",
            "coupling_gemma2-wordnet-large_vs_gemma2-wordnet-medium.json"));
        Assert.Equal(entries["disd:run_id"], record.RunId);
        Assert.Equal((4, 300, "race", 5UL), (record.NumTokens, record.NumRetries, record.Engine, record.Seed));
    }

    [Fact]
    public void NumTokensAllTakesEveryRowOfAnEarlyStoppedRun()
    {
        Ok(_runs.Generate("a", "--shard", "0/3"));
        var (code, stdout, stderr) = CliRunner.Run("plot-coupling", "--input-text", BatchRuns.Prompts[0], "--num-tokens", "all", "--num-retries", "100",
            "--data-dir", _runs.Dir("a", "data"), "--img-dir", _runs.Dir("a", "img"), "--json");

        Assert.True(code == 0, stderr);
        Assert.Equal(4, BatchRuns.Json(stdout).GetProperty("num_tokens").GetInt32());
        (code, _, stderr) = CliRunner.Run("plot-coupling", "--input-text", BatchRuns.Prompts[0], "--num-tokens", "5",
            "--data-dir", _runs.Dir("a", "data"), "--img-dir", _runs.Dir("a", "img"));
        Assert.Equal(2, code);
        Assert.Contains("--num-tokens all takes every row", stderr);
    }

    [Fact]
    public void ReportPoolsEveryPositionOfEveryPromptAsTheResultsTablesSay()
    {
        Ok(_runs.Generate("a"));
        Ok(_runs.Plot("a"));
        var (code, stdout, stderr) = CliRunner.Run("report", "--data-dir", _runs.Dir("a", "data"), "--report-dir", _runs.Dir("a", "report"), "--json");

        Assert.True(code == 0, stderr);
        var json = BatchRuns.Json(stdout);
        var rows = BatchRuns.Folders.SelectMany(f => File.ReadAllLines(Path.Combine(_runs.Dir("a", "data"), f,
            "coupling_gemma2-wordnet-large_vs_gemma2-wordnet-small.csv")).Skip(1))
            .Select(line => line.Split(',').Select(x => double.TryParse(x, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray()).ToList();
        var pooled = json.GetProperty("pairs")[0].GetProperty("pooled");
        Assert.Equal(rows.Count, pooled.GetProperty("positions").GetInt32());
        Assert.Equal(rows.Average(r => r[1]), pooled.GetProperty("mean_dtv").GetDouble(), 12);
        Assert.Equal(rows.Average(r => r[2]), pooled.GetProperty("gumbel").GetDouble(), 12);
        var bounded = rows.Where(r => r[1] < 1).ToList();
        Assert.Equal(bounded.Average(r => r[4] * (1 + r[1]) / (1 - r[1])), pooled.GetProperty("gumbel_exact_over_bound").GetDouble(), 9);
        Assert.Equal(bounded.Average(r => r[5] / (1 - r[1])), pooled.GetProperty("wmh_exact_over_optimal").GetDouble(), 9);
        Assert.True(pooled.GetProperty("wmh_exact_over_bound").GetDouble() >= 1 - 1e-12);
        Assert.Equal(3, json.GetProperty("rows").GetArrayLength());
        var table = File.ReadAllLines(json.GetProperty("files").GetProperty("table").GetString()!);
        Assert.Equal(1 + 3 + 1, table.Length);
        Assert.StartsWith("(pooled),", table[^1]);
        // Means read as numbers people write (0.935), not as their last-bit neighbours (0.9349999999999999).
        foreach (var field in table.Skip(1).SelectMany(line => line.Split(',').Skip(6)))
            Assert.Equal(double.Parse(field, CultureInfo.InvariantCulture).ToString("G15", CultureInfo.InvariantCulture), field);
        Assert.All(json.GetProperty("files").GetProperty("figures").EnumerateArray(), f => Assert.True(File.ReadAllBytes(f.GetString()!).Length > 10_000));
    }

    [Fact]
    public void AnOverLongPromptFailsAloneNamedByItsLineAndTheOthersAreDone()
    {
        using var runs = new BatchRuns([BatchRuns.Prompts[0], string.Join(' ', Enumerable.Repeat("lion", 1100)), BatchRuns.Prompts[2]]);

        var (code, stdout, stderr) = runs.Generate("a", "--json");

        Assert.True(code == 3, stderr);
        Assert.Equal(["done", "failed", "done"], BatchRuns.Statuses(stdout));
        var message = BatchRuns.Json(stdout).GetProperty("prompts").EnumerateArray()
            .Single(p => p.GetProperty("index").GetInt32() == 1).GetProperty("message").GetString();
        Assert.StartsWith($"--prompts-file {runs.PromptsFile} line 2: --model-large gemma2-wordnet-large was trained for 1024 positions", message);
        Assert.Contains("prompt 2/3: failed: --prompts-file", stderr);
        Assert.Equal(new[] { BatchRuns.Folders[0], BatchRuns.Folders[2] }.Order(StringComparer.Ordinal),
            Directory.GetDirectories(runs.Dir("a", "data")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SpeculateLeavesOutAnOverLongPromptNamedByItsFileLineAndMeasuresTheOthers()
    {
        // A blank line before it: the line named is the file's, not the prompt's count.
        using var runs = new BatchRuns([BatchRuns.Prompts[0], "", string.Join(' ', Enumerable.Repeat("lion", 1100)), BatchRuns.Prompts[2]]);

        var (code, stdout, stderr) = CliRunner.Run("speculate", "--prompts-file", runs.PromptsFile, "--max-new-tokens", "2", "--json");

        Assert.True(code == 3, stderr);
        var json = BatchRuns.Json(stdout);
        Assert.Equal([0, 2], json.GetProperty("prompts").EnumerateArray().Select(p => p.GetProperty("index").GetInt32()));
        var failed = Assert.Single(json.GetProperty("failed").EnumerateArray());
        Assert.Equal(1, failed.GetProperty("index").GetInt32());
        Assert.Equal(3, failed.GetProperty("line").GetInt32());
        Assert.StartsWith($"--prompts-file {runs.PromptsFile} line 3: --target gemma2-wordnet-large was trained for 1024 positions",
            failed.GetProperty("message").GetString());
        Assert.Contains($"speculate: failed: --prompts-file {runs.PromptsFile} line 3:", stderr);
    }

    [Fact]
    public void ReportNamesEveryFolderItLeavesOutAndWhy()
    {
        Ok(_runs.Generate("a"));
        Ok(_runs.Plot("a"));
        // Regenerating one prompt removes its old results until plot-coupling runs again.
        var lion = Path.Combine(_runs.Dir("a", "data"), BatchRuns.Folders[0]);
        Ok(CliRunner.Run("generate-distribution", "--input-text", BatchRuns.Prompts[0], "--num-tokens", "4", "--seed", "9",
            "--data-dir", _runs.Dir("a", "data")));
        Directory.CreateDirectory(Path.Combine(_runs.Dir("a", "data"), "notes"));

        var (code, stdout, stderr) = CliRunner.Run("report", "--data-dir", _runs.Dir("a", "data"), "--report-dir", _runs.Dir("a", "report"), "--json");

        Assert.True(code == 0, stderr);
        var json = BatchRuns.Json(stdout);
        Assert.Equal(2, json.GetProperty("prompts").GetInt32());
        var leftOut = json.GetProperty("left_out").EnumerateArray()
            .ToDictionary(f => f.GetProperty("folder").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.Equal([BatchRuns.Folders[0], "notes"], leftOut.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("no plot-coupling results for the tables of run", leftOut[BatchRuns.Folders[0]]);
        Assert.Contains("run plot-coupling for this prompt", leftOut[BatchRuns.Folders[0]]);
        Assert.Contains("not a result folder", leftOut["notes"]);
        Assert.Contains($"report: left out {lion}: no plot-coupling results", stderr);
        Assert.Contains("left out 2 folders without results", stderr);
    }

    [Fact]
    public void SpeculatePrintsTheTextOnStdoutAndIgnoreEosGivesFixedLengths()
    {
        var (code, plain, stderr) = CliRunner.Run("speculate", "--input-text", BatchRuns.Prompts[0], "--max-new-tokens", "40", "--ignore-eos");
        Assert.True(code == 0, stderr);
        var (_, json, _) = CliRunner.Run("speculate", "--input-text", BatchRuns.Prompts[0], "--max-new-tokens", "40", "--ignore-eos", "--json");
        var summary = BatchRuns.Json(json);
        Assert.Equal(summary.GetProperty("text").GetString() + "\n", plain);
        Assert.Equal(40, summary.GetProperty("token_ids").GetArrayLength());

        var (batchCode, batch, batchErr) = CliRunner.Run("speculate", "--prompts-file", _runs.PromptsFile, "--shard", "1/2", "--num-tokens", "6", "--json");
        Assert.True(batchCode == 0, batchErr);
        var prompt = Assert.Single(BatchRuns.Json(batch).GetProperty("prompts").EnumerateArray());
        Assert.Equal(1, prompt.GetProperty("index").GetInt32());
        Assert.Equal(GenerateTokenizer().Decode(prompt.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32()).ToList()),
            prompt.GetProperty("text").GetString());
    }

    private static DISD.Tokenization.TextTokenizer GenerateTokenizer() => Generate.GenerateRun.DemoTokenizer();
}
