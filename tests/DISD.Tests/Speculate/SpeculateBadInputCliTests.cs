using DISD.Tests.Cli;

namespace DISD.Tests.Speculate;

/// <summary>Bad input ends with one clear line on stderr and a non-zero exit code.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SpeculateBadInputCliTests
{
    public static TheoryData<string[], string> Cases() => new()
    {
        { ["--input-text", "Hi", "--drafter", GoldenLlama()], "share the vocabulary" },
        { ["--input-text", "Hi", "--draft-length", "0"], "--draft-length" },
        { ["--input-text", "Hi", "--draft-length", "many"], "--draft-length" },
        { ["--input-text", "Hi", "--num-drafts", "0"], "--num-drafts must be ≥ 1 (got 0)" },
        { ["--input-text", "Hi", "--num-drafts", "-2"], "--num-drafts must be ≥ 1 (got -2)" },
        { ["--input-text", "Hi", "--num-drafts", "2", "--coupling", "wmh"], "--num-drafts 2 needs --coupling gumbel" },
        { ["--input-text", "Hi", "--num-drafts", "2", "--method", "standard"], "--num-drafts 2 needs --method disd" },
        { ["--input-text", "Hi", "--num-drafts", "2", "--drafter", "ngram"], "--num-drafts 2 needs a drafter model" },
        { ["--input-text", "Hi", "--num-drafts", "1000000"], "--num-drafts 1000000 is too large" },
        { ["--input-text", "Hi", "--max-new-tokens", "0"], "--max-new-tokens" },
        { ["--input-text", "Hi", "--coupling", "uniform"], "--coupling" },
        { ["--input-text", "Hi", "--method", "eagle"], "--method" },
        { ["--input-text", "  "], "empty" },
        { ["--prompt-ids", ""], "empty" },
        { ["--prompt-ids", "2,4096"], "outside the shared vocabulary" },
        { ["--prompt-ids", "-3"], "outside the shared vocabulary" },
        { ["--prompt-ids", "2,x"], "not an integer" },
        { ["--prompt-ids", "2,273", "--chat"], "--chat applies to a text prompt" },
        { ["--prompt_ids", "2,4096"], "outside the shared vocabulary" },
        { ["--prompts_file", "/no/such/prompts.txt"], "--prompts-file /no/such/prompts.txt: no such file" },
        { [], "no prompt" },
        { ["--input-text", "Hi", "--prompt-ids", "2"], "only one of" },
        { ["--input-text", "Hi", "--method", "standard", "--verify"], "--verify" },
        { ["--input-text", "Hi", "--method", "standard", "--coupling", "wmh"], "--coupling wmh applies to --method disd" },
        { ["--input-text", "Hi", "--dtype", "int8"], "--dtype" },
        { ["--input-text", "Hi", "--target", "no/such-model-here"], "--target: Model 'no/such-model-here' not found" },
        { ["--input-text", "Hi", "--target", "gemma2-wordnet-lage"], "--target: Model 'gemma2-wordnet-lage' not found" },
        { ["--input-text", "Hi", "--target", "gemma2-wordnet-lage"], "did you mean the demo model gemma2-wordnet-large?" },
        { ["--input-text", "Hi", "--drafter", "./no/such/drafter"], "--drafter: Model './no/such/drafter' not found" },
        { ["--input-text", "Hi", "--drafter", GoldenLlamaWithoutConfig()], "--drafter: Model folder" },
        { ["--input-text", "Hi", "--target", ""], "--target is empty" },
        { ["--prompts-file", AppContext.BaseDirectory], "is a folder; expected a file" },
        { ["--input-text", "Hi", "--drafter", " "], "--drafter is empty" },
        { ["--input-text", "Hi", "--top-p", "0"], "--top-p must lie in (0, 1], got 0" },
        { ["--input-text", "Hi", "--top-p", "1.5"], "--top-p must lie in (0, 1], got 1.5" },
        { ["--input-text", "Hi", "--top-k", "0"], "--top-k must be ≥ 1, got 0" },
        { ["--input-text", "Hi", "--min-p", "1"], "--min-p must lie in [0, 1), got 1" },
        { ["--input-text", "Hi", "--min-p", "-0.2"], "--min-p must lie in [0, 1), got -0.2" },
        { ["--input-text", "Hi", "--drafter", "ngram", "--ngram-min", "3", "--ngram-max", "2"], "--ngram-min (3) must not exceed --ngram-max (2)" },
        { ["--input-text", "Hi", "--answers", "/tmp/a.jsonl"], "--answers and --baseline-answers go with --questions" },
        { ["--input-text", "Hi", "--trace", AppContext.BaseDirectory], "--trace" },
        { ["--questions", "/no/such/question.jsonl"], "--questions /no/such/question.jsonl: no such file" },
        { ["--questions", Questions("{\"question_id\": 1, \"category\": \"qa\", \"turns\": [\"Hi\"]}\n{not json")], "line 2: not JSON" },
        { ["--questions", Questions("\n{\"question_id\": 1, \"turns\": [\"Hi\"]}")], "line 2: category is missing" },
        { ["--questions", Questions("{\"question_id\": 1, \"category\": \"qa\", \"turns\": []}")], "line 1: turns is missing or not a non-empty list" },
        { ["--questions", Questions("{\"question_id\": 1, \"category\": \"qa\", \"turns\": [\"Hi\", 3]}")], "line 1: turn 2 is not a non-empty string" },
        { ["--questions", Questions("{\"category\": \"qa\", \"turns\": [\"Hi\"]}")], "line 1: question_id is missing" },
        { ["--questions", Questions("[1, 2]")], "line 1: expected a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FailsWithOneClearLine(string[] args, string expected)
    {
        var (code, stdout, stderr) = CliRunner.Run(["speculate", "--max-new-tokens", "4", .. args]);
        Assert.Equal(DISD.Cli.CliApp.UserError, code);
        Assert.Empty(stdout);
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("disd: error:", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0], StringComparison.Ordinal);
    }

    /// <summary>A question file with <paramref name="content"/> (its name is unique per content; left in the temp folder).</summary>
    private static string Questions(string content)
    {
        var path = Path.Combine(Path.GetTempPath(),
            $"disd-questions-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))[..16]}.jsonl");
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>An empty folder (no config.json) as a model.</summary>
    private static string GoldenLlamaWithoutConfig()
    {
        var path = Path.Combine(Path.GetTempPath(), "disd-empty-model-folder");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string GoldenLlama() => Path.Combine(AppContext.BaseDirectory, "fixtures", "golden", "llama");
}
