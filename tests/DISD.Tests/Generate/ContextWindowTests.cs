using System.Text.Json.Nodes;
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
            var shortContext = root.File("short-context");
            Directory.CreateDirectory(shortContext);
            foreach (var file in Directory.GetFiles(EmbeddedModels.PathOf(EmbeddedModels.Small)))
                File.Copy(file, Path.Combine(shortContext, Path.GetFileName(file)));
            var configPath = Path.Combine(shortContext, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["max_position_embeddings"] = 8;
            File.WriteAllText(configPath, config.ToJsonString());
            return ["--model-large", EmbeddedModels.Large, "--model-small", shortContext, "--input-text", GenerateRun.Prompt, "--num-tokens", "4"];
        });

        run.AssertSucceeded();
        Assert.Contains("warning: --model-small", run.Stderr);
        Assert.Contains("trained for 8 positions", run.Stderr);
        Assert.DoesNotContain("warning: --model-large", run.Stderr);
        Assert.Empty(run.Stdout);
    }
}
