using DISD.Decoding;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class StandardSpeculativeTests
{
    private const int Vocab = 4;
    private static readonly int[] Prompt = [1, 2];

    [Fact]
    public void StandardSpeculativeSamplingReproducesTheTargetJointDistribution()
    {
        using var target = Model(seed: 1, logitScale: 2.0);
        using var drafter = target.Perturbed(1.2, 2);
        var joint = ExactJointOfFirstTwoTokens(target, temperature: 0.8);
        const int runs = 1200;
        var counts = new long[Vocab * Vocab];
        var accepted = 0;
        for (var seed = 0; seed < runs; seed++)
        {
            var options = new DecodingOptions(MaxNewTokens: 2, Temperature: 0.8, Seed: (ulong)seed,
                ComputePredictedAcceptance: false);
            var result = new SpeculativeDecoder(target, drafter, options,
                new SpeculativeOptions(SpeculativeMethod.Standard, DraftLength.Fixed(2))).Generate(Prompt);
            counts[result.Tokens[0] * Vocab + result.Tokens[1]]++;
            accepted += result.AcceptedDrafts;
        }
        var expected = joint.Select(p => p * runs).ToArray();
        Assert.True(Statistics.ChiSquare(counts, expected) < Statistics.ChiSquareBound(Vocab * Vocab - 1),
            $"counts {string.Join(",", counts)} expected {string.Join(",", expected.Select(e => e.ToString("F0")))}");
        Assert.InRange(accepted, runs / 10, runs - runs / 20);   // one draft per run: both the accept and the resample branch ran
    }

    [Fact]
    public void StandardOutputDependsOnTheDrafterButDisdDoesNot()
    {
        using var target = SyntheticModels.Target(seed: 40);
        using var drafterA = SyntheticModels.Drafter(41);
        using var drafterB = SyntheticModels.Drafter(42);
        var options = new DecodingOptions(MaxNewTokens: 40, Temperature: 1.0, Seed: 3);
        List<int> Run(SpeculativeMethod method, RandomTransformerModel drafter) =>
            new SpeculativeDecoder(target, drafter, options, new SpeculativeOptions(method, DraftLength.Fixed(3)))
                .Generate(SyntheticModels.Prompt).Tokens.ToList();
        Assert.NotEqual(Run(SpeculativeMethod.Standard, drafterA), Run(SpeculativeMethod.Standard, drafterB));
        Assert.Equal(Run(SpeculativeMethod.Disd, drafterA), Run(SpeculativeMethod.Disd, drafterB));
    }

    /// <summary>A model whose logits depend on the last token and its position only (no layers): fast for many runs.</summary>
    private static RandomTransformerModel Model(long seed, double logitScale) =>
        new(new RandomTransformerConfig(Vocab, Width: 8, Layers: 0, Heads: 1, MaxPositions: 16, logitScale, seed,
            ScalarType.Float64));

    private static double[] ExactJointOfFirstTwoTokens(RandomTransformerModel model, double temperature)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double[] NextDistribution(IEnumerable<int> ids)
        {
            using var cache = model.NewCache(8);
            var logits = model.Prefill(tensor(ids.Select(x => (long)x).ToArray()), cache);
            return logits[-1].div(temperature).softmax(0).to_type(ScalarType.Float64).data<double>().ToArray();
        }
        var first = NextDistribution(Prompt);
        var joint = new double[Vocab * Vocab];
        for (var a = 0; a < Vocab; a++)
        {
            var second = NextDistribution(Prompt.Append(a));
            for (var b = 0; b < Vocab; b++)
                joint[a * Vocab + b] = first[a] * second[b];
        }
        return joint;
    }
}
