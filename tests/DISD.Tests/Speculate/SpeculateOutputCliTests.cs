using System.Text.Json;
using DISD.Tests.Cli;
using DISD.Tests.IO;
using DISD.Tokenization;

namespace DISD.Tests.Speculate;

/// <summary>The statistics <c>disd speculate</c> reports agree with each other and with the tokens.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SpeculateOutputCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("gumbel", "disd")]
    [InlineData("wmh", "disd")]
    [InlineData("gumbel", "standard")]
    public void JsonStatisticsAreConsistent(string coupling, string method)
    {
        const int maxNew = 16;
        var json = DemoModels.SpeculateJson("--input-text", "What is a lion?", "--max-new-tokens", $"{maxNew}",
            "--coupling", coupling, "--method", method, "--draft-length", "3", "--seed", "2");
        var tokens = DemoModels.TokenIds(json);
        var targetCalls = json.GetProperty("target_calls").GetInt32();
        var accepted = json.GetProperty("accepted_drafts").GetInt32();
        var proposed = json.GetProperty("proposed_drafts").GetInt32();
        var seconds = json.GetProperty("seconds").GetDouble();

        Assert.InRange(tokens.Length, 1, maxNew);
        Assert.Equal(method, json.GetProperty("method").GetString());
        Assert.Equal(coupling, json.GetProperty("coupling").GetString());
        Assert.Equal(3, json.GetProperty("k").GetInt32());
        // Tokens per round (one target forward each, the prefill not a round): Spec-Bench's τ, the same number.
        var rounds = json.GetProperty("accepted_histogram").EnumerateArray().Sum(a => a.GetInt32());
        Assert.Equal((double)tokens.Length / rounds, json.GetProperty("block_efficiency").GetDouble(), 12);
        Assert.Equal(json.GetProperty("mean_accepted_length").GetDouble(), json.GetProperty("block_efficiency").GetDouble(), 12);
        Assert.Equal(rounds + 1, targetCalls);
        Assert.Equal((double)accepted / proposed, json.GetProperty("acceptance_rate").GetDouble(), 12);
        Assert.Equal(tokens.Length / seconds, json.GetProperty("tokens_per_second").GetDouble(), tolerance: 1e-9 * tokens.Length / seconds);
        Assert.InRange(json.GetProperty("predicted_acceptance").GetDouble(), 0, 1);
        // Each target call emits the accepted drafts plus one token of its own.
        Assert.True(tokens.Length <= accepted + targetCalls, $"{tokens.Length} tokens, {accepted} accepted, {targetCalls} calls");
        Assert.True(json.GetProperty("drafter_calls").GetInt32() >= proposed / 3);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("verified").ValueKind);
        AssertStopsAtEos(json, tokens, maxNew);

        var tokenizer = TextTokenizer.Load(DemoModels.Folder(DemoModels.Large));
        Assert.Equal(tokenizer.Decode(tokens), json.GetProperty("text").GetString());
        var parts = json.GetProperty("target_seconds").GetDouble() + json.GetProperty("drafter_seconds").GetDouble()
            + json.GetProperty("other_seconds").GetDouble() + json.GetProperty("prediction_seconds").GetDouble();
        // A tolerance, not digits: the times are whole 100 ns ticks, so rounding to 6 digits sits on a .5 tie
        // one time in ten and a last-bit difference in the sum then flips it.
        Assert.Equal(seconds, parts, tolerance: 1e-12);
    }

    [Fact]
    public void WithoutDrafterAcceptanceIsNullAndEveryTokenCostsOneTargetCall()
    {
        var json = DemoModels.SpeculateJson("--prompt-ids", "2", "--drafter", "none", "--max-new-tokens", "16");
        var tokens = DemoModels.TokenIds(json);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("acceptance_rate").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("predicted_acceptance").ValueKind);
        Assert.Equal(0, json.GetProperty("drafter_calls").GetInt32());
        Assert.Equal(tokens.Length, json.GetProperty("target_calls").GetInt32());
        Assert.Equal(1.0, json.GetProperty("block_efficiency").GetDouble());
        Assert.Equal("none", json.GetProperty("drafter").GetString());
    }

    [Fact]
    public void PromptsFileReportsEveryPromptAndTheSpeedupOverTargetOnly()
    {
        var file = _temp.WriteText("prompts.txt", "What is a lion?\n\nWhat is a harbor?\n");
        DemoModels.UseOneTorchThread();
        var (code, stdout, stderr) = CliRunner.Run("speculate", "--prompts-file", file, "--max-new-tokens", "8", "--coupling", "wmh",
            "--drafter", DemoModels.Medium, "--verify", "--json");
        Assert.True(code == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        var prompts = root.GetProperty("prompts").EnumerateArray().ToList();
        Assert.Equal(["What is a lion?", "What is a harbor?"], prompts.Select(p => p.GetProperty("prompt").GetString()));
        foreach (var p in prompts)
        {
            Assert.True(p.GetProperty("identical_to_target_only").GetBoolean());
            Assert.Equal(p.GetProperty("target_only_seconds").GetDouble() / p.GetProperty("seconds").GetDouble(), p.GetProperty("speedup").GetDouble(),
                tolerance: 1e-12);
            Assert.Equal(p.GetProperty("mean_accepted_length").GetDouble(), p.GetProperty("block_efficiency").GetDouble(), 12);
        }

        var aggregate = root.GetProperty("aggregate");
        Assert.Equal(aggregate.GetProperty("mean_accepted_length").GetDouble(), aggregate.GetProperty("block_efficiency").GetDouble(), 12);
        Assert.Equal(2, aggregate.GetProperty("prompts").GetInt32());
        Assert.Equal(prompts.Sum(p => p.GetProperty("tokens").GetInt32()), aggregate.GetProperty("tokens").GetInt32());
        Assert.Equal(prompts.Sum(p => p.GetProperty("target_only_seconds").GetDouble()) / prompts.Sum(p => p.GetProperty("seconds").GetDouble()),
            aggregate.GetProperty("speedup").GetDouble(), tolerance: 1e-12);
        Assert.True(aggregate.GetProperty("all_identical_to_target_only").GetBoolean());
    }

    /// <summary>Generation stops right after the target's EOS, or at the limit without one.</summary>
    private static void AssertStopsAtEos(JsonElement json, int[] tokens, int maxNew)
    {
        Assert.DoesNotContain(DemoModels.Eos, tokens[..^1]);
        var endedWithEos = json.GetProperty("ended_with_eos").GetBoolean();
        Assert.Equal(tokens[^1] == DemoModels.Eos, endedWithEos);
        if (!endedWithEos)
        {
            Assert.Equal(maxNew, tokens.Length);
        }
    }
}
