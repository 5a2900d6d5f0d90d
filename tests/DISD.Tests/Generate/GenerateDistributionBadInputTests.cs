using System.Text.Json.Nodes;
using DISD.Models;
using DISD.Tests.Cli;
using DISD.Tests.IO;

namespace DISD.Tests.Generate;

/// <summary>Each bad input fails with one line naming the option or file, exit code 2, and nothing written.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GenerateDistributionBadInputTests
{
    private static readonly string[] Prompt = ["--input-text", GenerateRun.Prompt, "--num-tokens", "2"];

    internal static void AssertRejected(GenerateRun run, params string[] fragments)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var errors = run.Stderr.Split('\n').Where(line => line.StartsWith("disd: error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, run.Stderr);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, errors[0]);
        }

        Assert.Empty(run.DataFiles());
        Assert.False(Directory.Exists(run.DataDir), "the data folder was created");
    }


    private static string[] WithSmall(string small) => [.. Prompt, "--model-large", EmbeddedModels.Large, "--model-small", small];

    [Fact]
    public void AMissingModelFolderIsNamed()
    {
        using var run = new GenerateRun(root => WithSmall(root.File("no-such-model")));
        AssertRejected(run, "--model-small", "no-such-model");
    }

    [Fact]
    public void AMissingNamedModelIsReportedBeforeTheModelLeftOut()
    {
        using var run = new GenerateRun(root => [.. Prompt, "--model-large", root.File("no", "such", "model")]);
        AssertRejected(run, "--model-large: Model ", "no/such/model' not found");
    }

    [Fact]
    public void NamingOneModelAsksForTheOtherAndSaysWhy()
    {
        using var run = new GenerateRun([.. Prompt, "--model-large", EmbeddedModels.Large]);
        AssertRejected(run, "--model-small is required when --model-large is named: naming a model means naming the models to run");
    }

    [Fact]
    public void ANearMissOfADemoNameIsSuggested()
    {
        using var run = new GenerateRun(WithSmall("gemma2-wordnet-smal"));
        AssertRejected(run, "--model-small: Model 'gemma2-wordnet-smal' not found", "did you mean the demo model gemma2-wordnet-small?");
    }

    [Fact]
    public void NamedModelsRunWithoutTheDefaultMediumAndTheLogSaysSo()
    {
        using var run = new GenerateRun([.. Prompt, "--model-large", EmbeddedModels.Large, "--model-small", EmbeddedModels.Small]);
        run.AssertSucceeded();
        Assert.Contains("two models as named, no medium table (--model-medium adds a third", run.Stderr);
        Assert.Equal(["large", "small"], run.Manifest().Models.Select(m => m.Role));
    }

    [Fact]
    public void AFolderWithoutConfigIsNamed()
    {
        using var run = new GenerateRun(root =>
        {
            Directory.CreateDirectory(root.File("empty-model"));
            return WithSmall(root.File("empty-model"));
        });
        AssertRejected(run, "--model-small", "config.json");
    }

    [Fact]
    public void AnUnknownArchitectureIsNamed()
    {
        using var run = new GenerateRun(root => WithSmall(DemoCopies.Edited(root, "mamba", c => c["model_type"] = "mamba")));
        AssertRejected(run, "--model-small", "model_type 'mamba' is not supported");
    }

    [Fact]
    public void AMisshapenTensorIsNamed()
    {
        using var run = new GenerateRun(root => WithSmall(DemoCopies.Edited(root, "wide", c => c["intermediate_size"] = 999)));
        AssertRejected(run, "--model-small", "mlp");
    }

    [Fact]
    public void AMissingTensorIsNamed()
    {
        using var run = new GenerateRun(root => WithSmall(DemoCopies.Edited(root, "deeper", c =>
        {
            c["num_hidden_layers"] = 3;
            c["layer_types"] = new JsonArray("sliding_attention", "full_attention", "sliding_attention");
        })));
        AssertRejected(run, "--model-small", "missing tensor", "layers.2.");
    }

    [Fact]
    public void TheGoldenLlamaFixtureDoesNotShareTheDemoVocabulary()
    {
        var llama = Path.Combine(AppContext.BaseDirectory, "fixtures", "golden", "llama");
        using var run = new GenerateRun(WithSmall(llama));
        AssertRejected(run, "--model-small", "vocabulary mismatch", "320", "4096");
    }

    [Fact]
    public void ADifferentTokenizerIsAVocabularyMismatch()
    {
        var byteLevel = Path.Combine(AppContext.BaseDirectory, "fixtures", "tokenizers", "bytelevel-bpe", "tokenizer.json");
        using var run = new GenerateRun(root =>
        {
            var model = DemoCopies.Edited(root, "other-tokenizer", _ => { });
            File.Delete(Path.Combine(model, "tokenizer.model"));
            File.Copy(byteLevel, Path.Combine(model, "tokenizer.json"));
            return WithSmall(model);
        });
        AssertRejected(run, "different tokenizers", "other-tokenizer");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyPromptIsRejected(string text)
    {
        using var run = new GenerateRun("--input-text", text);
        AssertRejected(run, "--input-text is empty");
    }

    [Fact]
    public void NoPromptAtAllIsRejected()
    {
        using var run = new GenerateRun("--num-tokens", "2");
        AssertRejected(run, "--input-text");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void NumTokensMustBePositive(string value)
    {
        using var run = new GenerateRun("--input-text", GenerateRun.Prompt, "--num_tokens", value);
        AssertRejected(run, "--num-tokens must be positive");
    }

    [Theory]
    [InlineData("2,265,4096", "token id 4096 is outside the vocabulary (0…4095)")]
    [InlineData("2 -1", "token id -1 is outside the vocabulary")]
    [InlineData("2,abc", "'abc' is not a token id")]
    [InlineData(" , ", "--prompt-ids is empty")]
    public void OutOfVocabularyPromptIdsAreRejected(string ids, string message)
    {
        using var run = new GenerateRun("--prompt-ids", ids, "--num-tokens", "2");
        AssertRejected(run, "--prompt-ids", message);
    }

    [Fact]
    public void AMissingPromptsFileIsNamed()
    {
        using var run = new GenerateRun(root => ["--prompts-file", root.File("missing.txt")]);
        AssertRejected(run, "--prompts-file", "missing.txt", "cannot read it");
    }

    [Fact]
    public void AnEmptyPromptsFilePathIsRejected()
    {
        using var run = new GenerateRun("--prompts-file", "");
        AssertRejected(run, "--prompts-file is empty");
    }

    [Fact]
    public void AFolderGivenAsPromptsFileIsNamed()
    {
        using var run = new GenerateRun(root => ["--prompts-file", root.Path]);
        AssertRejected(run, "--prompts-file", "is a folder; give a text file");
    }

    [Fact]
    public void APromptsFileWithoutPromptsIsRejected()
    {
        using var run = new GenerateRun(root => ["--prompts-file", root.WriteText("blank.txt", "\n  \n")]);
        AssertRejected(run, "holds no prompt");
    }

    [Fact]
    public void APromptsFileLineWithoutAFolderNameIsNamed()
    {
        using var run = new GenerateRun(root => ["--prompts-file", root.WriteText("marks.txt", "What is a cat?\n???\n"), "--num-tokens", "2"]);
        AssertRejected(run, "--prompts-file", "marks.txt line 2", "empty folder name");
    }

    [Fact]
    public void TwoPromptsWithTheSameFolderAreRejected()
    {
        using var run = new GenerateRun(root => ["--prompts-file", root.WriteText("twice.txt", "What is a cat?\nWhat is a cat\n")]);
        AssertRejected(run, "lines 1 and 2", "What_is_a_cat");
    }

    [Fact]
    public void OnlyOneOfTheModelPairIsRejected()
    {
        using var run = new GenerateRun([.. Prompt, "--model-large", EmbeddedModels.Large]);
        AssertRejected(run, "--model-small is required");
    }

    [Fact]
    public void TheSameModelTwiceIsRejected()
    {
        using var run = new GenerateRun([.. Prompt, "--model-large", EmbeddedModels.Small, "--model-small", EmbeddedModels.Small]);
        AssertRejected(run, "--model-large and --model-small", "gemma2-wordnet-small_probs.csv");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void ANonPositiveTemperatureIsRejected(string value)
    {
        using var run = new GenerateRun([.. Prompt, "--temperature", value]);
        AssertRejected(run, "--temperature must be a finite number > 0");
    }

    [Fact]
    public void AnUnknownDecodingIsAUsageError()
    {
        using var run = new GenerateRun([.. Prompt, "--decoding", "beam"]);
        AssertRejected(run, "--decoding", "beam");
    }

    [Fact]
    public void AnEmptyDataDirIsRejected()
    {
        var (code, stdout, stderr) = CliRunner.Run(["generate-distribution", .. Prompt, "--data-dir", ""]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains("--data-dir is empty; expected a folder", error);
    }

    [Fact]
    public void AResultFolderThatCannotBeWrittenNamesDataDirAndTheFolder()
    {
        using var run = new GenerateRun(root =>
        {
            Directory.CreateDirectory(root.File("data"));
            root.WriteText(Path.Combine("data", GenerateRun.Folder), "a file where the result folder goes");
            return Prompt;
        });
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var error = Assert.Single(run.Stderr.Split('\n'), line => line.StartsWith("disd: error: ", StringComparison.Ordinal));
        Assert.Contains("--data-dir: cannot write the result folder", error);
        Assert.Contains(GenerateRun.Folder, error);
        Assert.Equal([GenerateRun.Folder], run.DataFiles());
    }

    [Fact]
    public void ADataDirThatIsAFileIsNamedBeforeTheModelsRun()
    {
        using var run = new GenerateRun(root =>
        {
            root.WriteText("data", "not a folder");
            return Prompt;
        });
        AssertRejected(run, "--data-dir", "is a file; expected a folder");
        Assert.DoesNotContain("loading models", run.Stderr);
    }
}
