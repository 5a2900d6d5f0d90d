using DISD.Decoding;
using DISD.Models;
using DISD.Testing;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

/// <summary>Speculative decoding under top-k / top-p / min-p: invariance, exact acceptance, exact distribution.</summary>
public class TransformedSpeculativeTests
{
    public static TheoryData<CouplingKind, int?, double?, double?> CouplingsAndTransforms()
    {
        var data = new TheoryData<CouplingKind, int?, double?, double?>();
        foreach (var coupling in new[] { CouplingKind.Gumbel, CouplingKind.WeightedMinHash })
        {
            data.Add(coupling, null, null, null);
            data.Add(coupling, 5, null, null);
            data.Add(coupling, null, 0.8, null);
            data.Add(coupling, null, null, 0.1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CouplingsAndTransforms))]
    public void OutputIsTheSameForEveryDrafterAndDraftLength(CouplingKind coupling, int? topK, double? topP, double? minP)
    {
        using var target = SyntheticModels.Target(seed: 13);
        using var random = SyntheticModels.Drafter(7);
        using var close = target.Perturbed(0.15, 99);
        var options = new DecodingOptions(MaxNewTokens: 30, Temperature: 0.9, Seed: 4321, Coupling: coupling,
            TopK: topK, TopP: topP, MinP: minP);
        var reference = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        Assert.Equal(30, reference.Tokens.Count);
        var ngramDrafts = 0;
        foreach (var k in new[] { DraftLength.Fixed(1), DraftLength.Fixed(3), DraftLength.Auto() })
        {
            var speculative = new SpeculativeOptions(SpeculativeMethod.Disd, k);
            foreach (var drafter in new ICausalLanguageModel[] { random, close, target })
            {
                var result = new SpeculativeDecoder(target, drafter, options, speculative).Generate(SyntheticModels.Prompt);
                Assert.True(reference.Tokens.SequenceEqual(result.Tokens), $"drafter {drafter.Name}, k {k}");
            }
            var ngram = new SpeculativeDecoder(target, new NgramDrafter(1, 3), options, speculative).Generate(SyntheticModels.Prompt);
            Assert.True(reference.Tokens.SequenceEqual(ngram.Tokens), $"ngram drafter, k {k}");
            ngramDrafts += ngram.ProposedDrafts;
        }
        Assert.True(ngramDrafts > 10, $"the n-gram drafter proposed only {ngramDrafts} tokens");
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel, SpeculativeMethod.Disd, 5, null, null)]
    [InlineData(CouplingKind.WeightedMinHash, SpeculativeMethod.Disd, null, 0.8, null)]
    [InlineData(CouplingKind.Gumbel, SpeculativeMethod.Disd, null, null, 0.15)]
    [InlineData(CouplingKind.Gumbel, SpeculativeMethod.Standard, null, 0.8, null)]
    public void ObservedAcceptanceMatchesTheExactPredictionUnderTruncation(CouplingKind coupling,
        SpeculativeMethod method, int? topK, double? topP, double? minP)
    {
        using var target = SyntheticModels.Target(seed: 21);
        using var drafter = target.Perturbed(0.6, 4);
        var options = new DecodingOptions(MaxNewTokens: 400, Temperature: 1.0, Seed: 17, Coupling: coupling,
            TopK: topK, TopP: topP, MinP: minP);
        var result = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(method, DraftLength.Fixed(3))).Generate(SyntheticModels.Prompt);
        AssertWithinFiveSigma(result);
        Assert.InRange(result.PredictedAcceptance!.Value, 0.2, 0.97);
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel, null)]
    [InlineData(CouplingKind.WeightedMinHash, 0.8)]
    public void NgramAcceptanceIsTheTargetProbabilityOfTheDraft(CouplingKind coupling, double? topP)
    {
        // A peaked target repeats itself, so the n-gram drafter proposes often; each drafted token is accepted with
        // probability p_target(draft), the exact prediction of a point mass under either coupling.
        using var target = new RandomTransformerModel(SyntheticModels.Config(31, 2, null) with { LogitScale = 6 });
        var options = new DecodingOptions(MaxNewTokens: 400, Temperature: 1.0, Seed: 5, Coupling: coupling, TopP: topP);
        var result = new SpeculativeDecoder(target, new NgramDrafter(1, 2), options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(SyntheticModels.Prompt);
        Assert.True(result.ComparedDrafts > 100, $"only {result.ComparedDrafts} compared drafts");
        AssertWithinFiveSigma(result);
        Assert.Equal(0, result.DrafterCalls);
    }

    [Fact]
    public void StandardSpeculativeSamplingWithTopPReproducesTheTransformedTarget()
    {
        const int vocab = 4;
        int[] prompt = [1, 2];
        using var target = LayerFree(vocab, seed: 1, logitScale: 2.0);
        using var drafter = target.Perturbed(1.2, 2);
        const double temperature = 1.5, topP = 0.9;
        var joint = ExactJoint(target, prompt, vocab, temperature, topP);
        Assert.True(joint.Contains(0.0), $"the truncation removed nothing: {string.Join(",", joint.Select(p => p.ToString("F3")))}");
        const int runs = 1500;
        var counts = new long[vocab * vocab];
        var accepted = 0;
        for (var seed = 0; seed < runs; seed++)
        {
            var options = new DecodingOptions(MaxNewTokens: 2, Temperature: temperature, Seed: (ulong)seed,
                ComputePredictedAcceptance: false, TopP: topP);
            var result = new SpeculativeDecoder(target, drafter, options,
                new SpeculativeOptions(SpeculativeMethod.Standard, DraftLength.Fixed(2))).Generate(prompt);
            counts[result.Tokens[0] * vocab + result.Tokens[1]]++;
            accepted += result.AcceptedDrafts;
        }
        var expected = joint.Select(p => p * runs).ToArray();
        Assert.True(Statistics.ChiSquare(counts, expected) < Statistics.ChiSquareBound(joint.Count(p => p > 0) - 1),
            $"counts {string.Join(",", counts)} expected {string.Join(",", expected.Select(e => e.ToString("F0")))}");
        Assert.True(accepted > runs / 10 && accepted < runs - runs / 20,
            $"{accepted} of {runs} drafts accepted: both the accept and the resample branch must run; joint "
                + $"{string.Join(",", joint.Select(p => p.ToString("F3")))}");
    }

    [Theory]
    [InlineData(CouplingKind.Gumbel)]
    [InlineData(CouplingKind.WeightedMinHash)]
    public void RoundsAddUpToTheOutput(CouplingKind coupling)
    {
        using var target = SyntheticModels.Target(seed: 8);
        using var drafter = target.Perturbed(0.3, 2);
        var options = new DecodingOptions(MaxNewTokens: 57, Seed: 3, Coupling: coupling, TopP: 0.9);
        var result = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(4))).Generate(SyntheticModels.Prompt);
        Assert.Equal(result.Tokens.Count, result.Rounds.Sum(r => r.Emitted));
        Assert.Equal(result.TargetCalls - 1, result.Rounds.Count);   // the prefill is the first round's target call
        Assert.Equal(result.AcceptedDrafts, result.Rounds.Sum(r => r.Accepted));
        Assert.Equal(result.ProposedDrafts, result.Rounds.Sum(r => r.Drafted));
        Assert.Equal(result.Rounds.Count, result.AcceptedHistogram.Sum());
        Assert.Equal((double)result.Tokens.Count / result.Rounds.Count, result.MeanAcceptedLength!.Value, 12);
        var output = new List<long>();
        foreach (var round in result.Rounds)
        {
            Assert.Equal(output.Count, round.Position);
            Assert.All(round.Agrees.Take(round.Accepted), Assert.True);
            if (round.Accepted < round.Drafted)
                Assert.False(round.Agrees[round.Accepted]);
            output.AddRange(round.DraftedIds.Take(round.Accepted).Append(round.TargetSamples[round.Accepted]).Take(round.Emitted));
            if (round.Drafted > 0)
                Assert.Equal(Math.Min(round.Drafted, round.Accepted + 1), round.Agreement!.Count);
        }
        Assert.Equal(result.Tokens.Select(t => (long)t), output);
        var alone = new TargetOnlyDecoder(target, options).Generate(SyntheticModels.Prompt);
        Assert.Equal(alone.Tokens.Count, alone.Rounds.Count);
        Assert.Equal(1.0, alone.MeanAcceptedLength);
    }

    private static void AssertWithinFiveSigma(DecodingResult result)
    {
        var predicted = result.PredictedAcceptance!.Value;
        var compared = result.ComparedDrafts;
        // Agreement indicators minus their exact conditional probabilities form a martingale; variance ≤ n/4.
        var sigma = Math.Sqrt(compared / 4.0);
        Assert.InRange(result.AcceptedDrafts, predicted * compared - 5 * sigma, predicted * compared + 5 * sigma);
    }

    private static RandomTransformerModel LayerFree(int vocab, long seed, double logitScale) =>
        new(new RandomTransformerConfig(vocab, Width: 8, Layers: 0, Heads: 1, MaxPositions: 16, logitScale, seed,
            ScalarType.Float64));

    private static double[] ExactJoint(RandomTransformerModel model, int[] prompt, int vocab, double temperature, double topP)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double[] Next(IEnumerable<int> ids)
        {
            using var cache = model.NewCache(8);
            var logits = model.Prefill(tensor(ids.Select(x => (long)x).ToArray()), cache);
            var row = logits[-1].to_type(ScalarType.Float32).to_type(ScalarType.Float64).data<double>().ToArray();
            return ReferenceTransform.Probabilities(row, temperature, null, topP, null);
        }
        var first = Next(prompt);
        var joint = new double[vocab * vocab];
        for (var a = 0; a < vocab; a++)
        {
            var second = Next(prompt.Append(a));
            for (var b = 0; b < vocab; b++)
                joint[a * vocab + b] = first[a] * second[b];
        }
        return joint;
    }
}
