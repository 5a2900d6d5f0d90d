namespace DISD.Decoding;

/// <summary>Which settings multi-draft decoding (<see cref="DecodingOptions.NumDrafts"/> &gt; 1) accepts, and how large K may be.</summary>
public static class MultiDraftLimits
{
    /// <summary>Logits of one tree verification ([K·depth + 1, V] float32) may take at most this many bytes.</summary>
    public const long TreeLogitsBudgetBytes = 1L << 30;

    /// <summary>The deepest tree the draft-length policy can ask for.</summary>
    public static int MaxDepth(SpeculativeOptions speculative) =>
        Math.Max(speculative.DraftLength.Initial, DraftLength.MaxAuto);

    /// <summary>
    /// The largest K for a vocabulary of <paramref name="vocab"/>: K·V hash indices per position must stay below 2³², and
    /// one verification's logits within <see cref="TreeLogitsBudgetBytes"/>.
    /// </summary>
    public static long MaxNumDrafts(int vocab, int maxDepth) =>
        Math.Max(1, Math.Min((1L << 32) / vocab, TreeLogitsBudgetBytes / (4L * vocab * (maxDepth + 1))));

    /// <summary>Null when multi-draft decoding can run with these settings, else the one-line reason.</summary>
    public static string? Problem(DecodingOptions options, SpeculativeOptions speculative, int vocab, bool modelDrafter)
    {
        var k = options.NumDrafts;
        if (k < 1)
            return $"--num-drafts must be ≥ 1 (got {k})";
        if (k == 1)
            return null;
        if (options.Coupling != CouplingKind.Gumbel)
            return $"--num-drafts {k} needs --coupling gumbel (Gumbel list sampling); weighted MinHash has no list form here";
        if (speculative.Method != SpeculativeMethod.Disd)
            return $"--num-drafts {k} needs --method disd (standard speculative sampling has no multi-draft form here)";
        if (!modelDrafter)
            return $"--num-drafts {k} needs a drafter model (the n-gram drafter proposes a single continuation)";
        var limit = MaxNumDrafts(vocab, MaxDepth(speculative));
        if (k > limit)
            return $"--num-drafts {k} is too large: with V = {vocab} and draft depth up to {MaxDepth(speculative)} at most {limit} fit (one verification's "
                + $"logits within {TreeLogitsBudgetBytes >> 20} MiB, K·V < 2^32)";
        return null;
    }
}
