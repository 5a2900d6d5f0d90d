using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// What the target decided in one speculative step, read back to the host in one transfer.
/// <see cref="TargetTokens"/>[j] is the target's token at drafted position j if it is reached (k+1 entries;
/// −1 = not yet settled), <see cref="Accepted"/>[j] whether draft j is accepted given the earlier ones were
/// (null for DISD, where acceptance is equality), <see cref="Agreement"/>[j] the exact predicted agreement (or null),
/// and the finiteness flags whether the target's and the drafter's distributions were finite.
/// </summary>
internal sealed record StepVerification(long[] TargetTokens, long[] Drafts, bool[]? Accepted, double[]? Agreement,
    bool TargetFinite, bool DrafterFinite)
{
    /// <summary>Reads the step's device results (<paramref name="tensors"/>) in one host read.</summary>
    public static StepVerification Read(VerificationTensors tensors)
    {
        var host = HostSegments.Read(tensors.TargetTokens, tensors.Drafts, tensors.AcceptFlags, tensors.Agreement,
            tensors.TargetFinite, tensors.DrafterFinite);
        return new StepVerification(host.Longs(tensors.TargetTokens)!, host.Longs(tensors.Drafts) ?? [],
            host.Flags(tensors.AcceptFlags), host.Doubles(tensors.Agreement), host.Flag(tensors.TargetFinite),
            host.Flag(tensors.DrafterFinite));
    }
}

/// <summary>The device side of <see cref="StepVerification"/>, by name; absent parts are null.</summary>
/// <param name="TargetTokens">int64 [k + 1]: the target's token per drafted position and the bonus position.</param>
/// <param name="Drafts">int64 [k], or null when nothing was drafted.</param>
/// <param name="AcceptFlags">bool [k]: standard speculative sampling's accept decisions; null for DISD.</param>
/// <param name="Agreement">float64 [k]: exact predicted agreement, when it rides along with the step.</param>
/// <param name="TargetFinite">int64 [1]: <see cref="FiniteCheck.Flag(TokenDistributions)"/> of the target.</param>
/// <param name="DrafterFinite">int64 [1]: the same for a drafter model; null for the n-gram drafter.</param>
internal sealed record VerificationTensors(Tensor TargetTokens, Tensor? Drafts, Tensor? AcceptFlags, Tensor? Agreement,
    Tensor TargetFinite, Tensor? DrafterFinite);
