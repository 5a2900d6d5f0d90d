using DISD.Decoding;
using DISD.Models;
using DISD.Tests.Cli;

namespace DISD.Tests.Speculate;

/// <summary>DISD's promise on the demo checkpoints: the same tokens as target-only decoding whatever the drafter and k.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SpeculateInvarianceCliTests(DemoTrioFixture trio) : IClassFixture<DemoTrioFixture>
{
    private const string Prompt = "What is a sorting algorithm?";
    private static readonly int[] PromptIds = [2, 714, 374, 264];

    [Theory]
    [InlineData(CouplingKind.Gumbel)]
    [InlineData(CouplingKind.WeightedMinHash)]
    public void TokensAreIdenticalAcrossDraftersAndDraftLengths(CouplingKind coupling)
    {
        var options = new DecodingOptions(MaxNewTokens: 16, Seed: 11, Coupling: coupling, StopAtEos: false);
        var expected = new TargetOnlyDecoder(trio.Large, options).Generate(PromptIds).Tokens;
        Assert.Equal(16, expected.Count);
        var acceptances = new List<double>();
        foreach (var drafter in new[] { trio.Small, trio.Medium, trio.RandomSmall })
        {
            foreach (var k in new[] { 1, 2, 4, 8 })
            {
                var result = new SpeculativeDecoder(trio.Large, drafter, options,
                    new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(k))).Generate(PromptIds);
                Assert.True(expected.SequenceEqual(result.Tokens), $"drafter {drafter.Name}, k {k}");
                acceptances.Add(result.AcceptanceRate!.Value);
            }
        }

        // Not vacuous: some drafts were accepted and some rejected, so both paths of the verifier ran.
        Assert.Contains(acceptances, a => a > 0);
        Assert.Contains(acceptances, a => a < 1);
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel, 20, null, null)]
    [InlineData(CouplingKind.WeightedMinHash, 20, null, null)]
    [InlineData(CouplingKind.Gumbel, null, 0.9, null)]
    [InlineData(CouplingKind.WeightedMinHash, null, 0.9, null)]
    [InlineData(CouplingKind.Gumbel, null, null, 0.05)]
    public void TokensAreIdenticalAcrossDraftersUnderTruncation(CouplingKind coupling, int? topK, double? topP, double? minP)
    {
        var options = new DecodingOptions(MaxNewTokens: 16, Seed: 11, Coupling: coupling, StopAtEos: false,
            TopK: topK, TopP: topP, MinP: minP);
        var expected = new TargetOnlyDecoder(trio.Large, options).Generate(PromptIds).Tokens;
        foreach (var k in new[] { 2, 5 })
        {
            var speculative = new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(k));
            foreach (var drafter in new[] { trio.Small, trio.Medium, trio.RandomSmall })
            {
                var result = new SpeculativeDecoder(trio.Large, drafter, options, speculative).Generate(PromptIds);
                Assert.True(expected.SequenceEqual(result.Tokens), $"drafter {drafter.Name}, k {k}");
            }
            var ngram = new SpeculativeDecoder(trio.Large, new NgramDrafter(1, 3), options, speculative).Generate(PromptIds);
            Assert.True(expected.SequenceEqual(ngram.Tokens), $"ngram, k {k}");
        }
    }

    [Theory]
    [InlineData("gumbel")]
    [InlineData("wmh")]
    public void CliOutputIsTheSameWithoutDrafterAndWithARandomOne(string coupling)
    {
        string[] Args(string drafter) =>
            ["--input-text", Prompt, "--max-new-tokens", "12", "--seed", "11", "--coupling", coupling, "--drafter", drafter, "--draft-length", "4"];
        var expected = DemoModels.TokenIds(DemoModels.SpeculateJson(Args("none")));
        Assert.Equal(expected, DemoModels.TokenIds(DemoModels.SpeculateJson(Args(DemoModels.Small))));
        Assert.Equal(expected, DemoModels.TokenIds(DemoModels.SpeculateJson(Args(trio.RandomDrafterFolder))));
        Assert.Equal(expected, DemoModels.TokenIds(DemoModels.SpeculateJson(Args("ngram"))));
    }

    [Theory]
    [InlineData("gumbel", "auto")]
    [InlineData("wmh", "3")]
    public void VerifyPasses(string coupling, string k)
    {
        var json = DemoModels.SpeculateJson("--input-text", Prompt, "--max-new-tokens", "12", "--coupling", coupling,
            "--draft-length", k, "--drafter", DemoModels.Medium, "--verify");
        Assert.True(json.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void StandardMethodDependsOnTheDrafterWhileDisdDoesNot()
    {
        var options = new DecodingOptions(MaxNewTokens: 24, Temperature: 1.5, Seed: 5, StopAtEos: false);
        IReadOnlyList<int> Run(SpeculativeMethod method, ICausalLanguageModel drafter) =>
            new SpeculativeDecoder(trio.Large, drafter, options, new SpeculativeOptions(method, DraftLength.Fixed(4)))
                .Generate(PromptIds).Tokens;
        Assert.Equal(Run(SpeculativeMethod.Disd, trio.Small), Run(SpeculativeMethod.Disd, trio.Medium));
        Assert.NotEqual(Run(SpeculativeMethod.Standard, trio.Small), Run(SpeculativeMethod.Standard, trio.Medium));
    }
}
