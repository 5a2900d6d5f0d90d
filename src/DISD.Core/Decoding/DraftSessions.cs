using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>A drafter during one generation: proposes tokens for the next output positions, then learns what was kept.</summary>
internal interface IDraftSession : IDisposable
{
    /// <summary>Forward calls made (prefill included); 0 for a model-free drafter.</summary>
    int Calls { get; }

    /// <summary>
    /// Up to <paramref name="k"/> drafts for output positions position, position+1, …: int64 [m] on the device and
    /// the distributions they were drawn from [m, V]; (null, null) when nothing is proposed.
    /// </summary>
    (Tensor? Drafts, TokenDistributions? Distributions) Propose(int position, int k);

    /// <summary>The first <paramref name="accepted"/> of <paramref name="drafts"/> and then <paramref name="final"/> were emitted.</summary>
    void Commit(IReadOnlyList<long> drafts, int accepted, long final);
}

/// <summary>A drafter model: drafts autoregressively with its KV cache, each draft drawn by <paramref name="draw"/>.</summary>
internal sealed class ModelDraftSession(ModelCursor cursor, SamplingTransform transform,
    Func<TokenDistributions, long, Tensor> draw) : IDraftSession
{
    private int _cachedBeforeDraft;

    public int Calls => cursor.Calls;

    public (Tensor? Drafts, TokenDistributions? Distributions) Propose(int position, int k)
    {
        _cachedBeforeDraft = cursor.Cache.Length + cursor.Pending.Count;
        if (k == 0)
            return (null, null);
        var drafts = new List<Tensor>(k);
        var rows = new List<Tensor>(k);
        Tensor? previous = null;
        for (var j = 0; j < k; j++)
        {
            var logits = cursor.Advance(previous);
            var row = logits.narrow(0, logits.shape[0] - 1, 1);
            var draft = draw(new TokenDistributions(row, transform), position + j);
            drafts.Add(draft);
            rows.Add(row);
            previous = draft;
        }
        return (cat(drafts, 0), new TokenDistributions(cat(rows, 0), transform));
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

    public (Tensor? Drafts, TokenDistributions? Distributions) Propose(int position, int k)
    {
        var proposal = drafter.Propose(_context, k);
        if (proposal.Length == 0)
            return (null, null);
        return (tensor(proposal, ScalarType.Int64, device), TokenDistributions.PointMasses(proposal, vocab, device));
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
