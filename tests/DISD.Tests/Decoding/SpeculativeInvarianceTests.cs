using DISD.Decoding;
using DISD.Models;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class SpeculativeInvarianceTests
{
    [Theory]
    [InlineData(CouplingKind.Gumbel, 1.0)]
    [InlineData(CouplingKind.WeightedMinHash, 1.0)]
    [InlineData(CouplingKind.Gumbel, 0.6)]
    public void OutputIsTheSameForEveryDrafterAndDraftLength(CouplingKind coupling, double temperature)
    {
        using var target = SyntheticModels.Target();
        using var randomA = SyntheticModels.Drafter(7);
        using var randomB = SyntheticModels.Drafter(8);
        using var close = target.Perturbed(0.15, 99);
        var options = new DecodingOptions(MaxNewTokens: 30, Temperature: temperature, Seed: 1234, Coupling: coupling);
        var reference = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        Assert.Equal(30, reference.Tokens.Count);
        foreach (var drafter in new ICausalLanguageModel[] { randomA, randomB, close, target })
        foreach (var k in new[] { DraftLength.Fixed(1), DraftLength.Fixed(2), DraftLength.Fixed(4), DraftLength.Fixed(8), DraftLength.Auto() })
        {
            var result = new SpeculativeDecoder(target, drafter, options, new SpeculativeOptions(SpeculativeMethod.Disd, k))
                .Generate(SyntheticModels.Prompt);
            Assert.True(reference.Tokens.SequenceEqual(result.Tokens),
                $"drafter {drafter.Name}, k {k}: {string.Join(",", result.Tokens)} vs {string.Join(",", reference.Tokens)}");
        }
    }

    [Fact]
    public void TargetOnlyDecoderMatchesFullRecomputationWithoutCache()
    {
        using var target = SyntheticModels.Target(seed: 3);
        var options = new DecodingOptions(MaxNewTokens: 25, Temperature: 1.0, Seed: 77);
        var decoded = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        var sequence = SyntheticModels.Prompt.ToList();
        var expected = new List<int>();
        using var noGrad = no_grad();
        for (var t = 0; t < 25; t++)
        {
            using var scope = NewDisposeScope();
            using var cache = target.NewCache(64);
            var logits = target.Prefill(tensor(sequence.Select(x => (long)x).ToArray()), cache);
            var token = (int)DISD.Couplings.GumbelSampler.Sample(logits[-1].log_softmax(0), 77, t).item<long>();
            expected.Add(token);
            sequence.Add(token);
        }
        Assert.Equal(expected, decoded.Tokens);
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel)]
    [InlineData(CouplingKind.WeightedMinHash)]
    public void CacheRollbackKeepsLongOutputsIdentical(CouplingKind coupling)
    {
        using var target = SyntheticModels.Target(seed: 5);
        using var close = target.Perturbed(0.2, 11);
        var options = new DecodingOptions(MaxNewTokens: 220, Temperature: 1.0, Seed: 9, Coupling: coupling);
        var reference = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        var result = new SpeculativeDecoder(target, close, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(SyntheticModels.Prompt);
        Assert.Equal(reference.Tokens, result.Tokens);
        // Both the accept path and the reject-and-roll-back path were exercised many times.
        Assert.InRange(result.AcceptedDrafts, 50, result.ProposedDrafts - 20);
        Assert.True(result.TargetCalls < reference.TargetCalls / 2, $"target calls {result.TargetCalls}");
        Assert.Equal(220, reference.TargetCalls);
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel)]
    [InlineData(CouplingKind.WeightedMinHash)]
    public void TargetAsItsOwnDrafterAcceptsEverything(CouplingKind coupling)
    {
        using var target = SyntheticModels.Target(seed: 2);
        var options = new DecodingOptions(MaxNewTokens: 41, Temperature: 1.0, Seed: 3, Coupling: coupling);
        var result = new SpeculativeDecoder(target, target, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(SyntheticModels.Prompt);
        Assert.Equal(result.ProposedDrafts, result.AcceptedDrafts);
        Assert.Equal(1.0, result.AcceptanceRate);
        Assert.Equal(1.0, result.PredictedAcceptance!.Value, 9);
        Assert.Equal(10, result.TargetCalls);   // prefill + 8 blocks of 5 tokens + 1 last token
        Assert.Equal(9, result.Rounds.Count);
        Assert.Equal(41.0 / 9, result.BlockEfficiency, 12);   // the prefill is no round
        Assert.Equal(result.MeanAcceptedLength!.Value, result.BlockEfficiency, 12);
    }

    [Fact]
    public void GreedyDecodingIsTheSameForDisdStandardAndTargetOnly()
    {
        using var target = SyntheticModels.Target(seed: 4);
        using var drafter = SyntheticModels.Drafter(12);
        var options = new DecodingOptions(MaxNewTokens: 30, Temperature: 0, Seed: 1);
        var greedy = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        foreach (var method in new[] { SpeculativeMethod.Disd, SpeculativeMethod.Standard })
        {
            var result = new SpeculativeDecoder(target, drafter, options,
                new SpeculativeOptions(method, DraftLength.Fixed(3))).Generate(SyntheticModels.Prompt);
            Assert.Equal(greedy.Tokens, result.Tokens);
        }
        Assert.Equal(GreedyReference(target, 30), greedy.Tokens);
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel)]
    [InlineData(CouplingKind.WeightedMinHash)]
    public void GenerationStopsAtTheFirstEosInclusive(CouplingKind coupling)
    {
        var options = new DecodingOptions(MaxNewTokens: 60, Temperature: 1.0, Seed: 31, Coupling: coupling);
        int[] free;
        using (var plain = SyntheticModels.Target(seed: 6))
            free = new TargetOnlyDecoder(plain, options).Generate(SyntheticModels.Prompt).Tokens.ToArray();
        var eosIndex = Enumerable.Range(4, free.Length - 4).First(i => !free.Take(i).Contains(free[i]));
        using var target = SyntheticModels.Target(seed: 6, eos: [free[eosIndex]]);
        using var drafter = target.Perturbed(0.2, 5);
        var expected = free.Take(eosIndex + 1).ToArray();
        var alone = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        var speculative = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(5))).Generate(SyntheticModels.Prompt);
        Assert.Equal(expected, alone.Tokens);
        Assert.Equal(expected, speculative.Tokens);
        Assert.True(alone.EndedWithEos && speculative.EndedWithEos);
        var ignoring = new TargetOnlyDecoder(target, options with { StopAtEos = false }).Generate(SyntheticModels.Prompt);
        Assert.Equal(free, ignoring.Tokens);
    }

    [Fact]
    public void RepeatedRunsAreIdenticalAndSeedsMatter()
    {
        using var target = SyntheticModels.Target(seed: 8);
        using var drafter = SyntheticModels.Drafter(9);
        var spec = new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Auto());
        var options = new DecodingOptions(MaxNewTokens: 30, Seed: 5, Coupling: CouplingKind.WeightedMinHash);
        var first = new SpeculativeDecoder(target, drafter, options, spec).Generate(SyntheticModels.Prompt);
        var second = new SpeculativeDecoder(target, drafter, options, spec).Generate(SyntheticModels.Prompt);
        var otherSeed = new SpeculativeDecoder(target, drafter, options with { Seed = 6 }, spec).Generate(SyntheticModels.Prompt);
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.NotEqual(first.Tokens, otherSeed.Tokens);
    }

    private static List<int> GreedyReference(RandomTransformerModel target, int count)
    {
        var sequence = SyntheticModels.Prompt.ToList();
        using var noGrad = no_grad();
        for (var t = 0; t < count; t++)
        {
            using var scope = NewDisposeScope();
            using var cache = target.NewCache(64);
            var logits = target.Prefill(tensor(sequence.Select(x => (long)x).ToArray()), cache);
            sequence.Add((int)logits[-1].argmax().item<long>());
        }
        return sequence.Skip(SyntheticModels.Prompt.Length).ToList();
    }
}
