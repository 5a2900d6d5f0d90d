using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>Temperature 0: argmax of the logits; two parties agree exactly when their argmaxes coincide.</summary>
public sealed class GreedySampler : ICouplingSampler
{
    public string Name => "greedy";

    public bool DrawAlwaysSettles => true;

    public Tensor Draw(TokenDistributions distributions, long firstPosition) => distributions.Logits.argmax(1);

    public long Settle(TokenDistributions distributions, int row, long position)
    {
        using var token = distributions.Logits[row].argmax();
        return token.cpu().item<long>();
    }

    public Tensor Agreement(TokenDistributions target, TokenDistributions drafter)
    {
        using var targetTokens = target.Logits.argmax(1);
        using var drafterTokens = drafter.Logits.argmax(1);
        using var same = targetTokens.eq(drafterTokens);
        return same.to_type(ScalarType.Float64);
    }
}
