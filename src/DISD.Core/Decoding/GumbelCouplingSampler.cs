using DISD.Couplings;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>Gumbel-max coupling over the log-probabilities softmax(logits/T).</summary>
public sealed class GumbelCouplingSampler(ulong seed) : ICouplingSampler
{
    public string Name => "gumbel";

    public Tensor Draw(TokenDistributions distributions, long firstPosition) =>
        GumbelSampler.Sample(distributions.LogProbs, seed, firstPosition);

    public long Settle(TokenDistributions distributions, int row, long position)
    {
        using var token = GumbelSampler.Sample(distributions.LogProbs[row], seed, position);
        return token.cpu().item<long>();
    }

    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter) =>
        GumbelSampler.Agreement(target.Probs, drafter.Probs);
}
