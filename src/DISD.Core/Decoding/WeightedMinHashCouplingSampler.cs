using DISD.Couplings;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>Weighted-MinHash (dart) coupling over the probabilities softmax(logits/T).</summary>
public sealed class WeightedMinHashCouplingSampler(ulong seed, int dartsPerTokenPerBatch = 3) : ICouplingSampler
{
    private readonly WeightedMinHashSampler _sampler = new(dartsPerTokenPerBatch);

    public string Name => "wmh";

    public Tensor Draw(TokenDistributions distributions, long firstPosition) =>
        _sampler.SampleFirstBatch(distributions.Probs, seed, firstPosition);

    public long Settle(TokenDistributions distributions, int row, long position) =>
        _sampler.SampleRow(distributions.Probs[row], seed, position);

    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter) =>
        WeightedMinHashSampler.Agreement(target.Probs, drafter.Probs);
}
