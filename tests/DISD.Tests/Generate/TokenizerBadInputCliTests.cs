using System.Text.Json.Nodes;
using DISD.Models;
using DISD.Tests.Cli;

namespace DISD.Tests.Generate;

/// <summary>A tokenizer file or chat template this tool cannot reproduce exactly is refused, never approximated.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TokenizerBadInputCliTests
{
    private static string[] Run(string large, params string[] extra) =>
        ["--input-text", GenerateRun.Prompt, "--num-tokens", "2", "--model-large", large, "--model-small", EmbeddedModels.Small, .. extra];

    private static void AssertRejected(GenerateRun run, params string[] fragments) => GenerateDistributionBadInputTests.AssertRejected(run, fragments);

    [Fact]
    public void A_template_construct_the_interpreter_lacks_is_named_with_the_file()
    {
        using var run = new GenerateRun(root =>
        {
            var model = DemoCopies.Edited(root, "templated", _ => { });
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "tokenizer_config.json")))!.AsObject();
            config["chat_template"] = "{% for m in messages %}{% include 'turn.jinja' %}{% endfor %}";
            File.WriteAllText(Path.Combine(model, "tokenizer_config.json"), config.ToJsonString());
            return Run(model, "--chat");
        });
        AssertRejected(run, "tokenizer_config.json", "include");
    }

    [Fact]
    public void A_tokenizer_json_the_tokenizers_library_cannot_load_is_named()
    {
        using var run = new GenerateRun(root =>
        {
            var model = DemoCopies.Edited(root, "json-tokenizer", _ => { });
            File.WriteAllText(Path.Combine(model, "tokenizer.json"), """{"version": "1.0", "model": {"type": "Trigram", "vocab": {"a": 0}}}""");
            return Run(model);
        });
        AssertRejected(run, "tokenizer.json");
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("add_prefix_space")]
    public void A_tokenizer_switch_that_is_not_a_boolean_is_named_with_the_file(string key)
    {
        using var run = new GenerateRun(root =>
        {
            var model = DemoCopies.Edited(root, "switch-" + key, _ => { });
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "tokenizer_config.json")))!.AsObject();
            config[key] = "false";
            File.WriteAllText(Path.Combine(model, "tokenizer_config.json"), config.ToJsonString());
            return Run(model);
        });
        AssertRejected(run, "tokenizer_config.json", $"\"{key}\" must be a boolean");
    }

    [Fact]
    public void A_chat_date_that_is_not_a_date_is_named()
    {
        using var run = new GenerateRun(_ => Run(EmbeddedModels.Large, "--chat", "--chat-date", "26/07/2024"));
        AssertRejected(run, "--chat-date", "YYYY-MM-DD");
    }
}
