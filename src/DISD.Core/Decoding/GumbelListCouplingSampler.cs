using DISD.Couplings;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// The target's side of Gumbel list sampling with <paramref name="lists"/> lists (<see cref="GumbelListSampler"/>):
/// the token at a position is argmin over (k, i) of E[k, i]/q_i. Target-only decoding with it is what multi-draft
/// DISD reproduces. Each position's noise (the max over the lists) is computed once until <see cref="Forget"/>.
/// </summary>
public sealed class GumbelListCouplingSampler(ulong seed, int lists) : ICouplingSampler
{
    private readonly PositionNoiseCache _noise = new();

    public string Name => "gumbel-list";

    public int Lists => lists;

    public bool DrawAlwaysSettles => true;

    /// <summary>The target's noise of positions firstPosition … firstPosition+count−1: float64 [count, V].</summary>
    public Tensor TargetNoise(long firstPosition, int count, int vocab, Device device) =>
        _noise.Rows(firstPosition, count, vocab, 0,
            position => [GumbelListSampler.TargetRowNoise(seed, position, lists, vocab, device).unsqueeze(0)]);

    public Tensor Draw(TokenDistributions distributions, long firstPosition)
    {
        using var noise = TargetNoise(firstPosition, distributions.Rows, distributions.Vocab, distributions.Logits.device);
        return GumbelSampler.SampleWithNoise(distributions.LogProbs, noise);
    }

    public long Settle(TokenDistributions distributions, int row, long position)
    {
        using var noise = TargetNoise(position, 1, distributions.Vocab, distributions.Logits.device);
        using var token = GumbelSampler.SampleWithNoise(distributions.LogProbs.narrow(0, row, 1), noise);
        return token.cpu().item<long>();
    }

    /// <summary>Pr[the target's token ∈ the K drafts of <paramref name="drafter"/>'s row], per row (exact, on the host).</summary>
    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter)
    {
        using var targetProbs = target.Probs.to_type(ScalarType.Float64).cpu();
        using var drafterProbs = drafter.Probs.to_type(ScalarType.Float64).cpu();
        var rows = new double[target.Rows];
        for (int r = 0; r < rows.Length; r++)
        {
            using var q = targetProbs[r];
            using var p = drafterProbs[r];
            rows[r] = ExactListAgreement.Gumbel(p.data<double>().ToArray(), q.data<double>().ToArray(), lists);
        }
        return tensor(rows, ScalarType.Float64, target.Logits.device);
    }

    public void Forget(long position) => _noise.Forget(position);
}
