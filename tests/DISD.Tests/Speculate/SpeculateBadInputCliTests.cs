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
        { ["--input-text", "Hi", "--dtype", "int8"], "--dtype" },
        { ["--input-text", "Hi", "--target", "no/such-model-here"], "not found" },
        { ["--input-text", "Hi", "--target", ""], "--target is empty" },
        { ["--prompts-file", AppContext.BaseDirectory], "is a folder; expected a file" },
        { ["--input-text", "Hi", "--drafter", " "], "--drafter is empty" },
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

    private static string GoldenLlama() => Path.Combine(AppContext.BaseDirectory, "fixtures", "golden", "llama");
}
