using DISD.Couplings;
using DISD.Decoding;
using DISD.Runtime;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

/// <summary>
/// The Gumbel sampler's drafter proposals on the CPU (<see cref="GumbelCouplingSampler.DrawProposal"/>) skip the
/// log-softmax: checked against a brute-force argmax of transformed logit + Gumbel noise, and against the target's own
/// rule (<see cref="GumbelCouplingSampler.Draw"/>), which they equal unless float rounding decides a near-tie.
/// </summary>
public class DraftProposalTests
{
    public static TheoryData<double, int?, double?> Transforms => new()
    {
        { 1.0, null, null },
        { 0.7, null, null },
        { 1.0, 40, null },
        { 1.3, null, 0.9 },
    };

    [Theory]
    [MemberData(nameof(Transforms))]
    public void ProposalsAreTheBruteForceGumbelMaxOfTheTransformedLogits(double temperature, int? topK, double? topP)
    {
        using var scope = NewDisposeScope();
        const int rows = 6, vocab = 5_003;
        var sampler = new GumbelCouplingSampler(29);
        var logits = randn(new long[] { rows, vocab }, generator: new Generator(3)).mul(Scalars.Of(3.0));
        var distributions = new TokenDistributions(logits, new SamplingTransform(temperature, topK, topP));
        var proposals = sampler.DrawProposal(distributions, 70).data<long>().ToArray();
        var transformed = distributions.Transformed;
        for (int r = 0; r < rows; r++)
        {
            var values = transformed[r].data<float>().ToArray();
            long best = -1;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < vocab; i++)
            {
                double value = values[i] + PortableLog.Gumbel(PublicRandomnessReference.UniformScalar(29, 70 + r, i));
                if (value > bestValue)
                    (best, bestValue) = (i, value);
            }
            Assert.Equal(best, proposals[r]);
        }
    }

    [Fact]
    public void ProposalsEqualTheTargetRulesTokensOnThousandsOfRows()
    {
        using var scope = NewDisposeScope();
        const int rows = 2_000, vocab = 700;
        var sampler = new GumbelCouplingSampler(5);
        var logits = randn(new long[] { rows, vocab }, generator: new Generator(9)).mul(Scalars.Of(2.5));
        var distributions = new TokenDistributions(logits, 1.0);
        Assert.Equal(sampler.Draw(distributions, 0).data<long>().ToArray(), sampler.DrawProposal(distributions, 0).data<long>().ToArray());
    }
}
