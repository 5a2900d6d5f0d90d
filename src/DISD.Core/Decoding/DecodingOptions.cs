namespace DISD.Decoding;

/// <summary>Which coupling turns a distribution and the public randomness of a position into a token.</summary>
public enum CouplingKind
{
    Gumbel,
    WeightedMinHash,
}

/// <summary>Speculative decoding variant.</summary>
public enum SpeculativeMethod
{
    /// <summary>Drafter-invariant speculative decoding: output equals target-only decoding for the same seed.</summary>
    Disd,
    /// <summary>Leviathan et al. (2023) speculative sampling; correct in distribution, output depends on the drafter.</summary>
    Standard,
}

/// <summary>Options shared by every decoder.</summary>
/// <param name="MaxNewTokens">Upper bound on generated tokens (≥ 1).</param>
/// <param name="Temperature">Sampling temperature; 0 = greedy (argmax).</param>
/// <param name="Seed">Seed of the public randomness.</param>
/// <param name="StopAtEos">Stop after (and including) the first end-of-sequence token.</param>
/// <param name="ComputePredictedAcceptance">Compute the exact per-position agreement (costs O(k V log V) per step).</param>
/// <param name="WmhDartsPerTokenPerBatch">
/// Weighted-MinHash dart batch size as a multiple of the vocabulary. The first hit needs V darts on average, so a batch
/// of 3V misses with probability ≈ e^−3 ≈ 5% (settled by further batches); larger batches mostly hash darts never used.
/// </param>
/// <param name="TopK">Top-k truncation of every party's distribution (null = off); see <see cref="SamplingTransform"/>.</param>
/// <param name="TopP">Top-p (nucleus) truncation (null or 1 = off).</param>
/// <param name="MinP">Min-p truncation (null or 0 = off).</param>
/// <param name="NumDrafts">
/// K, the lists of Gumbel list sampling: the target's token is argmin over K lists of E/q (K = 1: plain Gumbel), and a
/// speculative drafter proposes K branches. K &gt; 1 needs the Gumbel coupling.
/// </param>
public sealed record DecodingOptions(
    int MaxNewTokens,
    double Temperature = 1.0,
    ulong Seed = 0,
    CouplingKind Coupling = CouplingKind.Gumbel,
    bool StopAtEos = true,
    bool ComputePredictedAcceptance = true,
    int WmhDartsPerTokenPerBatch = 3,
    int? TopK = null,
    double? TopP = null,
    double? MinP = null,
    int NumDrafts = 1)
{
    /// <summary>
    /// The smallest positive temperature. logits / T must stay finite in float32 (|logits| ≤ 3.4e38 · T), and below it
    /// the distribution is the argmax for any realistic logits anyway; temperature 0 is greedy decoding.
    /// </summary>
    public const double MinTemperature = 1e-4;

    /// <summary>The transform every party applies to its logits before sampling (target, drafter, target-only).</summary>
    public SamplingTransform Transform => new(Temperature, TopK, TopP, MinP);

    public void Validate()
    {
        if (MaxNewTokens < 1)
            throw new ArgumentException($"--max-new-tokens must be ≥ 1 (got {MaxNewTokens}).");
        if (!(Temperature == 0 || Temperature >= MinTemperature) || double.IsInfinity(Temperature))
            throw new ArgumentException($"--temperature must be 0 (greedy) or a finite number ≥ {MinTemperature} (got {Temperature}).");
        Transform.Validate();
        if (NumDrafts < 1)
            throw new ArgumentException($"--num-drafts must be ≥ 1 (got {NumDrafts}).");
        if (NumDrafts > 1 && Coupling != CouplingKind.Gumbel)
            throw new ArgumentException($"--num-drafts {NumDrafts} needs --coupling gumbel (Gumbel list sampling); weighted MinHash has no list form here.");
        if (WmhDartsPerTokenPerBatch < 1)
            throw new ArgumentException($"WMH darts per token per batch must be ≥ 1 (got {WmhDartsPerTokenPerBatch}).");
    }
}
