using DISD.Couplings;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Weighted-MinHash (dart) coupling over the probabilities softmax(logits/T). Each position's first dart batch is
/// generated once and reused (by the drafter and the target) until <see cref="Forget"/>.
/// </summary>
public sealed class WeightedMinHashCouplingSampler(ulong seed, int dartsPerTokenPerBatch = 3) : ICouplingSampler
{
    private readonly WeightedMinHashSampler _sampler = new(dartsPerTokenPerBatch);
    private readonly PositionNoiseCache _darts = new();

    public string Name => "wmh";

    public Tensor Draw(TokenDistributions distributions, long firstPosition)
    {
        var probabilities = distributions.Probs;
        var device = probabilities.device;
        var vocab = distributions.Vocab;
        var batch = _sampler.BatchSize(vocab);
        Tensor[] Make(long position)
        {
            var (columns, heights) = PublicRandomness.DartsForPositions(seed, position, 1, 0, batch, vocab, device);
            return [columns, heights];
        }
        using var columns = _darts.Rows(firstPosition, distributions.Rows, vocab, 0, Make);
        using var heights = _darts.Rows(firstPosition, distributions.Rows, vocab, 1, Make);
        return WeightedMinHashSampler.FirstHits(probabilities, columns, heights);
    }

    public long Settle(TokenDistributions distributions, int row, long position) =>
        _sampler.SampleRow(distributions.Probs[row], seed, position);

    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter) =>
        WeightedMinHashSampler.Agreement(target.Probs, drafter.Probs);

    public void Forget(long position) => _darts.Forget(position);
}
