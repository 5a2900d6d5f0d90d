using DISD.Models;
using DISD.Tests.Cli;

namespace DISD.Tests.Generate;

[Collection(ConsoleCollection.Name)]
public class ContextWindowTests
{
    [Fact]
    public void DemoModelsAreTrainedFor1024PositionsAndGoingPastIsAnErrorUnlessAllowed()
    {
        var large = EmbeddedModels.PathOf(EmbeddedModels.Large);
        Assert.Equal(1024, ContextWindow.MaxPositions(large));
        Assert.Null(ContextWindow.Check(large, "large", 1000, 24, "--num-tokens", allowBeyond: false));
        var refused = Assert.Throws<DisdException>(() => ContextWindow.Check(large, "large", 1000, 25, "--num-tokens", allowBeyond: false));
        Assert.Contains("trained for 1024 positions", refused.Message);
        Assert.Contains(ContextWindow.AllowOption, refused.Message);
        Assert.Contains("trained for 1024 positions", ContextWindow.Check(large, "large", 1000, 25, "--num-tokens", allowBeyond: true));
    }

    [Fact]
    public void GeneratePastTheContextFailsNamingTheModelAndWarnsWhenAllowed()
    {
        static string[] Args(DISD.Tests.IO.TempFolder root, bool allow)
        {
            var shortContext = DemoCopies.Edited(root, "short-context", c => c["max_position_embeddings"] = 8);
            string[] args = ["--model-large", EmbeddedModels.Large, "--model-small", shortContext, "--input-text", GenerateRun.Prompt, "--num-tokens", "4"];
            return allow ? [.. args, ContextWindow.AllowOption] : args;
        }

        using (var refused = new GenerateRun(root => Args(root, allow: false)))
        {
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("--model-small", refused.Stderr);
            Assert.Contains("trained for 8 positions", refused.Stderr);
            Assert.False(Directory.Exists(refused.DataDir) && Directory.EnumerateFileSystemEntries(refused.DataDir).Any());
        }

        using var run = new GenerateRun(root => Args(root, allow: true));
        run.AssertSucceeded();
        Assert.Contains("warning: --model-small", run.Stderr);
        Assert.Contains("trained for 8 positions", run.Stderr);
        Assert.DoesNotContain("warning: --model-large", run.Stderr);
        Assert.Empty(run.Stdout);
    }
}
