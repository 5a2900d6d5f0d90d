using System.Diagnostics;
using System.Text.Json;
using DISD.IO;
using DISD.Tests.Hardening;
using DISD.Tests.IO;

namespace DISD.Tests.Cli;

/// <summary>
/// Where plot-coupling's results go and when it refuses: beside the tables it measured (also when they are named by
/// path, never into --data-dir's folder of the same prompt), for the prompt their manifest records; and what its
/// --skip-existing record keeps (paths relative to its folder, so a copied tree is still skipped).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PlotCouplingFolderTests : IDisposable
{
    private const string Prompt = "What is a lion?";
    private const string Folder = "What_is_a_lion";
    private const string Results = "coupling_gemma2-wordnet-large_vs_gemma2-wordnet-small";
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    private string Table(string dataDir, string model) => _root.File(dataDir, Folder, $"gemma2-wordnet-{model}_probs.csv");

    private void Generate(string dataDir, string seed, string tokens = "4")
    {
        var (code, _, stderr) = CliRunner.Run("generate-distribution", "--input-text", Prompt, "--seed", seed, "--num-tokens", tokens,
            "--data-dir", _root.File(dataDir));
        Assert.True(code == 0, stderr);
    }

    private (int Code, string Stdout, string Stderr) Plot(params string[] extra) =>
        CliRunner.Run(["plot-coupling", "--num-retries", "200", "--data-dir", _root.File("data"), "--img-dir", _root.File("img"), .. extra]);

    private static string ErrorLine(string stderr) =>
        Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));

    [Fact]
    public void TablesNamedByPathGetTheirResultsBesideThemAndLeaveTheDataDirsResultsAlone()
    {
        Generate("data", "0");
        var (code, _, stderr) = Plot("--input-text", Prompt);
        Assert.True(code == 0, stderr);
        var seed0Results = File.ReadAllBytes(_root.File("data", Folder, Results + ".csv"));
        Generate("s1", "1");

        (code, var stdout, stderr) = Plot("--input-text", Prompt, "--model-large", Table("s1", "large"), "--model-small", Table("s1", "small"), "--json");

        Assert.True(code == 0, stderr);
        Assert.Equal(seed0Results, File.ReadAllBytes(_root.File("data", Folder, Results + ".csv")));
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(_root.File("s1", Folder, Results + ".csv"), json.RootElement.GetProperty("results_csv").GetString());
        var s1Run = RunManifest.Read(_root.File("s1", Folder, RunManifest.FileName)).RunId;
        Assert.All(CouplingResultsCsv.Read(_root.File("s1", Folder, Results + ".csv")), row => Assert.Equal(s1Run, row.RunId));
        // Both folders hold only their own run's results, so report takes each of them.
        foreach (var dataDir in new[] { "data", "s1" })
        {
            (code, _, stderr) = CliRunner.Run("report", "--data-dir", _root.File(dataDir), "--report-dir", _root.File("report-" + dataDir));
            Assert.True(code == 0, stderr);
        }
    }

    [Fact]
    public void AnotherPromptThanTheTablesManifestRecordsIsRefusedAndWritesNothing()
    {
        Generate("s1", "1");

        var (code, stdout, stderr) = Plot("--input-text", "anything", "--model-large", Table("s1", "large"), "--model-small", Table("s1", "small"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var error = ErrorLine(stderr);
        Assert.Contains("--input-text 'anything' is not the prompt of the tables", error);
        Assert.Contains($"records '{Prompt}'", error);
        Assert.False(Directory.Exists(_root.File("data")));
        Assert.False(Directory.Exists(_root.File("img")));
        Assert.DoesNotContain(_root.AllFiles(), f => f.Contains("coupling_", StringComparison.Ordinal));
    }

    [Fact]
    public void TablesNamedByPathNeedNoInputTextTheirManifestGivesThePrompt()
    {
        Generate("s1", "1");

        var (code, stdout, stderr) = Plot("--model-large", Table("s1", "large"), "--model-small", Table("s1", "small"), "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(Prompt, json.RootElement.GetProperty("input_text").GetString());
        Assert.True(File.Exists(_root.File("img", Folder + ".png")));
    }

    [Fact]
    public void TablesOfTwoFoldersAreRefusedBeforeAnyWork()
    {
        Generate("data", "0");
        Generate("s1", "0");

        var (code, _, stderr) = Plot("--model-large", Table("s1", "large"), "--model-small", Table("data", "small"));

        Assert.Equal(2, code);
        Assert.Contains("lie in different folders; plot-coupling writes its results beside the tables", ErrorLine(stderr));
        Assert.DoesNotContain(_root.AllFiles(), f => f.Contains("coupling_", StringComparison.Ordinal));
    }

    [Fact]
    public void SkipExistingStillSkipsAfterTheFoldersWereCopiedElsewhere()
    {
        Generate("data", "0");
        var (code, _, stderr) = Plot("--input-text", Prompt);
        Assert.True(code == 0, stderr);
        var record = File.ReadAllText(_root.File("data", Folder, Results + ".json"));
        Assert.Contains("\"figure\": \"../../img/What_is_a_lion.png\"", record);
        var copy = _root.File("copy");
        foreach (var dir in new[] { "data", "img" })
            CopyTree(_root.File(dir), Path.Combine(copy, dir));
        var figure = File.ReadAllBytes(Path.Combine(copy, "img", Folder + ".png"));

        (code, var stdout, stderr) = CliRunner.Run("plot-coupling", "--input-text", Prompt, "--num-retries", "200", "--skip-existing", "--json",
            "--data-dir", Path.Combine(copy, "data"), "--img-dir", Path.Combine(copy, "img"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("skipped", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(Path.Combine(copy, "img", Folder + ".png"), json.RootElement.GetProperty("skipped").GetProperty("figure").GetString());
        Assert.Equal(figure, File.ReadAllBytes(Path.Combine(copy, "img", Folder + ".png")));
    }

    [Fact]
    public void SkipExistingRedoesAPromptWhoseFigureAnotherRunReplaced()
    {
        Generate("data", "0");
        Generate("s1", "1");
        Assert.Equal(0, Plot("--input-text", Prompt).Code);
        Assert.Equal(0, Plot("--model-large", Table("s1", "large"), "--model-small", Table("s1", "small")).Code);

        var (code, stdout, stderr) = Plot("--input-text", Prompt, "--skip-existing", "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.TryGetProperty("status", out _), "the figure shows run s1, so data's prompt is redone");
        Assert.Contains("replaced", stderr);
    }

    [Fact]
    public void TheDefaultNumTokensTakesEveryRowOfAShorterRun()
    {
        Generate("data", "0", tokens: "3");

        var (code, stdout, stderr) = Plot("--input-text", Prompt, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetProperty("num_tokens").GetInt32());
    }

    [RootFact]
    public void AReadOnlyResultsFolderIsSkippedWhenCompleteAndOtherwiseFailsBeforeTheMeasurement()
    {
        var disk = _root.File("ro");
        Directory.CreateDirectory(disk);
        Mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", disk);
        try
        {
            var (code, _, stderr) = CliRunner.Run("generate-distribution", "--input-text", Prompt, "--num-tokens", "3", "--data-dir", disk);
            Assert.True(code == 0, stderr);
            (code, _, stderr) = CliRunner.Run("plot-coupling", "--input-text", Prompt, "--num-retries", "200", "--data-dir", disk,
                "--img-dir", _root.File("img"));
            Assert.True(code == 0, stderr);
            Mount("-o", "remount,ro", disk);

            (code, var stdout, stderr) = CliRunner.Run("plot-coupling", "--input-text", Prompt, "--num-retries", "200", "--data-dir", disk,
                "--img-dir", _root.File("img"), "--skip-existing", "--json");
            Assert.True(code == 0, stderr);
            using (var json = JsonDocument.Parse(stdout))
                Assert.Equal("skipped", json.RootElement.GetProperty("status").GetString());

            (code, stdout, stderr) = CliRunner.Run("plot-coupling", "--input-text", Prompt, "--num-retries", "300", "--data-dir", disk,
                "--img-dir", _root.File("img2"));

            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains($"cannot create the results in {Path.Combine(disk, Folder)}", ErrorLine(stderr));
            Assert.DoesNotContain("positions ×", stderr);
            Assert.False(Directory.Exists(_root.File("img2")));
        }
        finally
        {
            Mount("-u", disk);
        }
    }

    private static void Mount(params string[] args)
    {
        var unmount = args[0] == "-u";
        using var process = Process.Start(new ProcessStartInfo(unmount ? "umount" : "mount", unmount ? args[1..] : args) { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
