using DISD.Decoding;
using DISD.Models;

namespace DISD.Tests.Decoding;

/// <summary>Multi-draft DISD (Gumbel list sampling, tree verification) against target-only list-coupled decoding.</summary>
public class MultiDraftTests
{
    public static TheoryData<int, int?, double?> ListsAndTransforms() => new()
    {
        { 2, null, null },
        { 4, null, null },
        { 2, 5, null },
        { 4, null, 0.8 },
    };

    [Theory]
    [MemberData(nameof(ListsAndTransforms))]
    public void OutputIsTheSameForEveryDrafterAndDraftLength(int lists, int? topK, double? topP)
    {
        using var target = SyntheticModels.Target();
        using var randomA = SyntheticModels.Drafter(7);
        using var close = target.Perturbed(0.15, 99);
        var options = new DecodingOptions(MaxNewTokens: 30, Seed: 1234, TopK: topK, TopP: topP, NumDrafts: lists);
        var reference = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        Assert.Equal(30, reference.Tokens.Count);
        foreach (var drafter in new ICausalLanguageModel[] { randomA, close, target })
        foreach (var k in new[] { DraftLength.Fixed(1), DraftLength.Fixed(3), DraftLength.Auto() })
        {
            var result = new SpeculativeDecoder(target, drafter, options, new SpeculativeOptions(SpeculativeMethod.Disd, k))
                .Generate(SyntheticModels.Prompt);
            Assert.True(reference.Tokens.SequenceEqual(result.Tokens),
                $"K {lists}, drafter {drafter.Name}, k {k}: {string.Join(",", result.Tokens)} vs {string.Join(",", reference.Tokens)}");
        }
    }

    [Fact]
    public void ListSamplingChangesTheOutputButOneListIsTodays()
    {
        using var target = SyntheticModels.Target(seed: 4);
        var one = new TargetOnlyDecoder(target, new DecodingOptions(40, Seed: 5)).Generate(SyntheticModels.Prompt);
        var oneList = new TargetOnlyDecoder(target, new DecodingOptions(40, Seed: 5, NumDrafts: 1)).Generate(SyntheticModels.Prompt);
        var four = new TargetOnlyDecoder(target, new DecodingOptions(40, Seed: 5, NumDrafts: 4)).Generate(SyntheticModels.Prompt);
        Assert.Equal(one.Tokens, oneList.Tokens);
        Assert.NotEqual(one.Tokens, four.Tokens);
    }

    [Fact]
    public void LongRunsAcceptBranchesAndKeepTheCacheConsistent()
    {
        using var target = SyntheticModels.Target(seed: 5);
        using var close = target.Perturbed(0.3, 11);
        var options = new DecodingOptions(MaxNewTokens: 200, Seed: 9, NumDrafts: 4);
        var reference = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        var result = new SpeculativeDecoder(target, close, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(SyntheticModels.Prompt);
        Assert.Equal(reference.Tokens, result.Tokens);
        Assert.InRange(result.AcceptedDrafts, 50, result.ProposedDrafts - 20);
        Assert.True(result.TargetCalls < reference.TargetCalls / 2, $"target calls {result.TargetCalls}");
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(2, 3)]
    [InlineData(4, 3)]
    public void ObservedAcceptanceMatchesTheExactListAgreementAtEveryComparedNode(int lists, int k)
    {
        using var target = SyntheticModels.Target(seed: 6);
        using var drafter = target.Perturbed(0.6, 21);
        var options = new DecodingOptions(MaxNewTokens: 300, Seed: 31, StopAtEos: false, NumDrafts: lists);
        var result = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(k))).Generate(SyntheticModels.Prompt);
        // Each comparison is Bernoulli(its exact agreement) given the past, so the sum of outcomes minus the sum of
        // agreements has standard deviation √Σ a(1 − a).
        var outcomes = result.Rounds.Where(r => r.Agreement is not null)
            .SelectMany(r => r.Agrees.Select((agrees, j) => (Agrees: agrees, Exact: r.Agreement![j]))).ToList();
        Assert.True(outcomes.Count > 100, $"{outcomes.Count} comparisons");
        Assert.Equal(result.ComparedDrafts, outcomes.Count);
        var observed = outcomes.Sum(o => o.Agrees ? 1.0 : 0.0);
        var expected = outcomes.Sum(o => o.Exact);
        var sigma = Math.Sqrt(outcomes.Sum(o => o.Exact * (1 - o.Exact)));
        Assert.InRange(observed - expected, -5 * sigma, 5 * sigma);
        Assert.Equal(expected / outcomes.Count, result.PredictedAcceptance!.Value, 12);
    }

    [Fact]
    public void GreedyDecodingIgnoresTheLists()
    {
        using var target = SyntheticModels.Target(seed: 2);
        using var drafter = SyntheticModels.Drafter(3);
        var options = new DecodingOptions(MaxNewTokens: 25, Temperature: 0, NumDrafts: 4);
        var reference = new TargetOnlyDecoder(target, options with { NumDrafts = 1 }).Generate(SyntheticModels.Prompt);
        var result = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(3))).Generate(SyntheticModels.Prompt);
        Assert.Equal(reference.Tokens, result.Tokens);
    }

    [Fact]
    public void UnsupportedCombinationsAreRejectedWithOneLine()
    {
        using var target = SyntheticModels.Target();
        using var drafter = SyntheticModels.Drafter(7);
        var disd = new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(2));
        Assert.Contains("--num-drafts must be ≥ 1",
            Assert.Throws<ArgumentException>(() => new DecodingOptions(10, NumDrafts: 0).Validate()).Message);
        Assert.Contains("needs --coupling gumbel", Assert.Throws<ArgumentException>(() =>
            new SpeculativeDecoder(target, drafter, new DecodingOptions(10, Coupling: CouplingKind.WeightedMinHash, NumDrafts: 2), disd)).Message);
        Assert.Contains("needs --method disd", Assert.Throws<ArgumentException>(() =>
            new SpeculativeDecoder(target, drafter, new DecodingOptions(10, NumDrafts: 2),
                new SpeculativeOptions(SpeculativeMethod.Standard, DraftLength.Fixed(2)))).Message);
        Assert.Contains("needs a drafter model", Assert.Throws<ArgumentException>(() =>
            new SpeculativeDecoder(target, new NgramDrafter(1, 3), new DecodingOptions(10, NumDrafts: 2), disd)).Message);
        Assert.Contains("is too large", Assert.Throws<ArgumentException>(() =>
            new SpeculativeDecoder(target, drafter, new DecodingOptions(10, NumDrafts: int.MaxValue), disd)).Message);
    }
}
