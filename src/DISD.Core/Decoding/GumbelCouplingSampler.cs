using DISD.Couplings;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Gumbel-max coupling over the log-probabilities softmax(logits/T). Each position's Gumbel noise is computed once
/// and reused (by the drafter and the target) until <see cref="Forget"/>.
/// </summary>
public sealed class GumbelCouplingSampler(ulong seed) : ICouplingSampler
{
    private readonly PositionNoiseCache _noise = new();

    public string Name => "gumbel";

    public bool DrawAlwaysSettles => true;

    public Tensor Draw(TokenDistributions distributions, long firstPosition)
    {
        var device = distributions.Logits.device;
        var vocab = distributions.Vocab;
        if (device.type == DeviceType.CPU)
            return DrawOnHost(distributions.LogProbs, firstPosition);
        var noise = _noise.Rows(firstPosition, distributions.Rows, vocab, 0,
            position => [GumbelSampler.Noise(seed, position, 1, vocab, device)]);
        return GumbelSampler.SampleWithNoise(distributions.LogProbs, noise);
    }

    /// <summary>
    /// On the CPU each row's token comes from <see cref="GumbelSampler.SampleHostRows"/>: the same token as the noise path,
    /// with the noise evaluated only where it could matter, so nothing V-sized is cached per position.
    /// </summary>
    private Tensor DrawOnHost(Tensor logProbs, long firstPosition) =>
        tensor(GumbelSampler.SampleHostRows(logProbs, seed, firstPosition), ScalarType.Int64);

    /// <summary>
    /// On the CPU the Gumbel-max rule on the transformed logits themselves: argmax_i x_i + g_i is argmax_i log p_i + g_i,
    /// since log p_i = x_i − logsumexp(x) shifts every token alike. That skips the drafter row's log-softmax (at
    /// V = 262k about half of drafting's host time; bench/RESULTS.md, "Drafting at V = 262k"); the target keeps
    /// <see cref="Draw"/>, so every emitted token is unchanged.
    /// </summary>
    public Tensor DrawProposal(TokenDistributions distributions, long firstPosition)
    {
        if (distributions.Logits.device.type != DeviceType.CPU || distributions.IsGreedy)
            return Draw(distributions, firstPosition);
        var weights = distributions.Transformed;
        return DrawOnHost(weights.is_contiguous() ? weights : weights.contiguous(), firstPosition);
    }

    public long Settle(TokenDistributions distributions, int row, long position)
    {
        using var token = GumbelSampler.Sample(distributions.LogProbs[row], seed, position);
        return token.cpu().item<long>();
    }

    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter) =>
        GumbelSampler.Agreement(target.Probs, drafter.Probs);

    public void Forget(long position) => _noise.Forget(position);
}
