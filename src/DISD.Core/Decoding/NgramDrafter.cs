namespace DISD.Decoding;

/// <summary>
/// Prompt-lookup decoding, a model-free drafter: find the longest n-gram (n from <see cref="MaxN"/> down to
/// <see cref="MinN"/>) that ends the context and also occurs earlier in it, and propose the (up to) k tokens that
/// followed its earliest occurrence — as transformers' PromptLookupCandidateGenerator (first match of the largest n)
/// and vLLM's n-gram proposer (longest match, earliest occurrence). No match: nothing is proposed.
/// </summary>
public sealed record NgramDrafter
{
    public const string Name = "ngram";

    public NgramDrafter(int minN = 1, int maxN = 3)
    {
        if (minN < 1)
            throw new ArgumentException($"--ngram-min must be ≥ 1 (got {minN}).");
        if (minN > maxN)
            throw new ArgumentException($"--ngram-min ({minN}) must not exceed --ngram-max ({maxN}).");
        MinN = minN;
        MaxN = maxN;
    }

    public int MinN { get; }

    public int MaxN { get; }

    /// <summary>Up to <paramref name="k"/> proposed tokens for the continuation of <paramref name="context"/>.</summary>
    public long[] Propose(IReadOnlyList<int> context, int k)
    {
        if (k <= 0)
            return [];
        var length = context.Count;
        for (var n = Math.Min(MaxN, length - 1); n >= MinN; n--)
        {
            // A match must end before the suffix itself does, so at least one token follows it.
            for (var start = 0; start + n < length; start++)
            {
                if (!MatchesSuffix(context, start, n))
                    continue;
                var from = start + n;
                var count = Math.Min(k, length - from);
                var proposal = new long[count];
                for (var j = 0; j < count; j++)
                    proposal[j] = context[from + j];
                return proposal;
            }
        }
        return [];
    }

    private static bool MatchesSuffix(IReadOnlyList<int> context, int start, int n)
    {
        var suffixStart = context.Count - n;
        for (var j = 0; j < n; j++)
        {
            if (context[start + j] != context[suffixStart + j])
                return false;
        }
        return true;
    }
}
