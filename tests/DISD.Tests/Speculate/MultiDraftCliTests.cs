using DISD.Decoding;
using DISD.Tests.Cli;

namespace DISD.Tests.Speculate;

/// <summary>Multi-draft DISD on the demo checkpoints: the output is target-only list-coupled decoding, whatever the drafter.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class MultiDraftCliTests(DemoTrioFixture trio) : IClassFixture<DemoTrioFixture>
{
    private const string Prompt = "What is a sorting algorithm?";
    private static readonly int[] PromptIds = [2, 714, 374, 264];

    [Theory]
    [InlineData(1, null, null)]
    [InlineData(2, null, null)]
    [InlineData(4, null, null)]
    [InlineData(1, 20, null)]
    [InlineData(2, 20, null)]
    [InlineData(4, 20, null)]
    [InlineData(1, null, 0.9)]
    [InlineData(2, null, 0.9)]
    [InlineData(4, null, 0.9)]
    public void TokensAreIdenticalAcrossDrafters(int lists, int? topK, double? topP)
    {
        var options = new DecodingOptions(MaxNewTokens: 16, Seed: 11, StopAtEos: false, TopK: topK, TopP: topP,
            NumDrafts: lists);
        var expected = new TargetOnlyDecoder(trio.Large, options).Generate(PromptIds).Tokens;
        Assert.Equal(16, expected.Count);
        var accepted = 0;
        foreach (var drafter in new[] { trio.Small, trio.Medium, trio.RandomSmall })
        {
            var result = new SpeculativeDecoder(trio.Large, drafter, options,
                new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(3))).Generate(PromptIds);
            Assert.True(expected.SequenceEqual(result.Tokens), $"K {lists}, drafter {drafter.Name}");
            accepted += result.AcceptedDrafts;
        }
        Assert.True(accepted > 0);
    }

    [Fact]
    public void OneDraftIsTodaysDecoding()
    {
        var today = new DecodingOptions(MaxNewTokens: 16, Seed: 11, StopAtEos: false);
        var expected = new TargetOnlyDecoder(trio.Large, today).Generate(PromptIds).Tokens;
        var result = new SpeculativeDecoder(trio.Large, trio.Small, today with { NumDrafts = 1 },
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(PromptIds);
        Assert.Equal(expected, result.Tokens);
    }

    [Fact]
    public void CliOutputIsTheSameWithoutDrafterAndWithARandomOne()
    {
        string[] Args(string drafter) =>
            ["--input-text", Prompt, "--max-new-tokens", "12", "--seed", "11", "--num-drafts", "4", "--drafter", drafter, "--draft-length", "3"];
        var expected = DemoModels.TokenIds(DemoModels.SpeculateJson(Args("none")));
        var small = DemoModels.SpeculateJson(Args(DemoModels.Small));
        Assert.Equal(expected, DemoModels.TokenIds(small));
        Assert.Equal(4, small.GetProperty("config").GetProperty("num_drafts").GetInt32());
        Assert.Equal(expected, DemoModels.TokenIds(DemoModels.SpeculateJson(Args(trio.RandomDrafterFolder))));
    }
}
