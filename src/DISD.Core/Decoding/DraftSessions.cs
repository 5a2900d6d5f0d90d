using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>A drafter during one generation: proposes tokens for the next output positions, then learns what was kept.</summary>
internal interface IDraftSession : IDisposable
{
    /// <summary>Forward calls made (prefill included); 0 for a model-free drafter.</summary>
    int Calls { get; }

    /// <summary>Up to <paramref name="k"/> drafts for output positions position, position+1, …; null when nothing is proposed.</summary>
    DraftProposal? Propose(int position, int k);

    /// <summary>The first <paramref name="accepted"/> of <paramref name="drafts"/> and then <paramref name="final"/> were emitted.</summary>
    void Commit(IReadOnlyList<long> drafts, int accepted, long final);
}

/// <summary>A drafter model: drafts autoregressively with its KV cache, each draft drawn by <paramref name="draw"/>.</summary>
internal sealed class ModelDraftSession(ModelCursor cursor, SamplingTransform transform,
    Func<TokenDistributions, long, Tensor> draw) : IDraftSession
{
    private int _cachedBeforeDraft;

    public int Calls => cursor.Calls;

    public DraftProposal? Propose(int position, int k)
    {
        _cachedBeforeDraft = cursor.Cache.Length + cursor.Pending.Count;
        if (k == 0)
            return null;
        var drafts = new List<Tensor>(k);
        var rows = new List<Tensor>(k);
        var finite = new List<Tensor>(k);
        Tensor? previous = null;
        for (var j = 0; j < k; j++)
        {
            var logits = cursor.Advance(previous);
            var row = new TokenDistributions(logits.narrow(0, logits.shape[0] - 1, 1), transform);
            var draft = draw(row, position + j);
            // Checked row by row while the row is still in cache; the rows are joined only if something reads them all.
            finite.Add(FiniteCheck.Flag(row));
            drafts.Add(draft);
            rows.Add(row.Logits);
            previous = draft;
        }
        return new DraftProposal(cat(drafts, 0), () => new TokenDistributions(cat(rows, 0), transform),
            k == 1 ? finite[0] : cat(finite, 0).min().reshape(1));
    }

    public void Commit(IReadOnlyList<long> drafts, int accepted, long final)
    {
        if (drafts.Count == 0)
        {
            cursor.Rollback(cursor.Cache.Length, cursor.Pending.Append(final).ToList());
            return;
        }
        // The last draft was sampled but never fed to the drafter.
        var draftsInCache = Math.Min(accepted, drafts.Count - 1);
        cursor.Rollback(_cachedBeforeDraft + draftsInCache,
            drafts.Skip(draftsInCache).Take(accepted - draftsInCache).Append(final));
    }

    public void Dispose() => cursor.Dispose();
}

/// <summary>The n-gram drafter over the prompt and the tokens emitted so far; its proposals are point masses.</summary>
internal sealed class NgramDraftSession(NgramDrafter drafter, IReadOnlyList<int> prompt, int vocab, Device device)
    : IDraftSession
{
    private readonly List<int> _context = [.. prompt];

    public int Calls => 0;

    public DraftProposal? Propose(int position, int k)
    {
        var proposal = drafter.Propose(_context, k);
        if (proposal.Length == 0)
            return null;
        // Point masses are −∞ off the drafted token by design, so there is nothing to check.
        return new DraftProposal(tensor(proposal, ScalarType.Int64, device), () => TokenDistributions.PointMasses(proposal, vocab, device), null);
    }

    public void Commit(IReadOnlyList<long> drafts, int accepted, long final)
    {
        for (var j = 0; j < accepted; j++)
            _context.Add(checked((int)drafts[j]));
        _context.Add(checked((int)final));
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// A round's drafts, int64 [m] on the device, with the distributions they were drawn from [m, V] made only when
/// something reads them (the predicted acceptance, the standard verification, an error): at V = 262k joining the
/// drafter's rows copies megabytes that the Gumbel verification never reads.
/// </summary>
/// <param name="FiniteFlag">int64 [1], 1 when every drafted row's distribution is finite; null when there is nothing
/// to check.</param>
internal sealed class DraftProposal(Tensor drafts, Func<TokenDistributions> distributions, Tensor? finiteFlag)
{
    private TokenDistributions? _distributions;

    public Tensor Drafts { get; } = drafts;

    public Tensor? FiniteFlag { get; } = finiteFlag;

    public TokenDistributions Distributions => _distributions ??= distributions();
}
