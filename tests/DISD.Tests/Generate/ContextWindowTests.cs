using DISD.Models;
using DISD.Tests.Cli;

namespace DISD.Tests.Generate;

[Collection(ConsoleCollection.Name)]
public class ContextWindowTests
{
    [Fact]
    public void DemoModelsAreTrainedFor1024Positions()
    {
        var large = EmbeddedModels.PathOf(EmbeddedModels.Large);
        Assert.Equal(1024, ContextWindow.MaxPositions(large));
        Assert.Null(ContextWindow.Warning(large, "large", 1024));
        Assert.Contains("trained for 1024 positions", ContextWindow.Warning(large, "large", 1025));
    }

    [Fact]
    public void GenerateWarnsOnStderrForTheModelWhoseContextIsExceeded()
    {
        using var run = new GenerateRun(root =>
        {
            var shortContext = DemoCopies.Edited(root, "short-context", c => c["max_position_embeddings"] = 8);
            return ["--model-large", EmbeddedModels.Large, "--model-small", shortContext, "--input-text", GenerateRun.Prompt, "--num-tokens", "4"];
        });

        run.AssertSucceeded();
        Assert.Contains("warning: --model-small", run.Stderr);
        Assert.Contains("trained for 8 positions", run.Stderr);
        Assert.DoesNotContain("warning: --model-large", run.Stderr);
        Assert.Empty(run.Stdout);
    }
}
