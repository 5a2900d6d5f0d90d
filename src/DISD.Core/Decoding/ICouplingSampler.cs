using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>A coupling sampler driven by the public randomness of each output position.</summary>
public interface ICouplingSampler
{
    string Name { get; }

    /// <summary>
    /// One token per row, row r at position firstPosition+r; int64 [R] on the device, without host synchronisation.
    /// Rows the sampler could not settle without a host round trip hold −1 (see <see cref="Settle"/>).
    /// </summary>
    Tensor Draw(TokenDistributions distributions, long firstPosition);

    /// <summary>
    /// A drafter's proposals under drafter-invariant decoding, one per row as <see cref="Draw"/>. A proposal is never
    /// emitted itself (an accepted draft is emitted as the target's own sample, which equals it), so a sampler may
    /// draw it by a rule equal to <see cref="Draw"/>'s in exact arithmetic but cheaper; the two can differ only where
    /// float rounding decides a near-tie, which changes an acceptance, never an output token.
    /// </summary>
    Tensor DrawProposal(TokenDistributions distributions, long firstPosition) => Draw(distributions, firstPosition);

    /// <summary>True when <see cref="Draw"/> never leaves a row at −1.</summary>
    bool DrawAlwaysSettles => false;

    /// <summary>The exact sample of <paramref name="row"/> (at <paramref name="position"/>); may read back to the host.</summary>
    long Settle(TokenDistributions distributions, int row, long position);

    /// <summary>Exact probability, per row, that the target's and the drafter's samples agree: float64 [R].</summary>
    Tensor Agreement(TokenDistributions target, TokenDistributions drafter);

    /// <summary>Releases randomness cached for output positions below <paramref name="position"/> (long.MaxValue: all).</summary>
    void Forget(long position)
    {
    }
}
