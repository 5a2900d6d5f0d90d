using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// A model, its KV cache, and the generated tokens not yet in the cache (<see cref="Pending"/>). Right after the
/// prefill nothing is pending and <see cref="PendingLogits"/> holds the prompt's last logits row instead.
/// </summary>
internal sealed class ModelCursor : IDisposable
{
    /// <summary>Where the last <see cref="AdvanceTree"/> block began in the cache, and how many pending tokens led it.</summary>
    private int _treeStart;
    private int _treePending;

    public ModelCursor(ICausalLanguageModel model, IReadOnlyList<int> prompt, int maxLength)
    {
        Model = model;
        Cache = model.NewCache(maxLength);
        PendingLogits = PromptPrefill.LastLogits(model, prompt, Cache);
        Calls = 1;
    }

    public ICausalLanguageModel Model { get; }

    public IKvCache Cache { get; }

    public List<long> Pending { get; } = [];

    public Tensor? PendingLogits { get; private set; }

    public int Calls { get; private set; }

    /// <summary>
    /// Feeds the pending tokens and then <paramref name="more"/> (int64 [m], may be null) and returns the logits of
    /// every position whose next token is still to be decided: the pending-logits row (if any) followed by the new rows.
    /// </summary>
    public Tensor Advance(Tensor? more)
    {
        var inputs = new List<Tensor>();
        if (Pending.Count > 0)
            inputs.Add(tensor(Pending.ToArray(), ScalarType.Int64, Model.Device));
        if (more is not null && more.shape[0] > 0)
            inputs.Add(more);
        var rows = new List<Tensor>();
        if (PendingLogits is not null)
            rows.Add(PendingLogits);
        if (inputs.Count > 0)
        {
            rows.Add(Model.Decode(inputs.Count == 1 ? inputs[0] : cat(inputs, 0), Cache));
            Calls++;
        }
        if (rows.Count == 0)
            throw new InvalidOperationException("ModelCursor: nothing to advance.");
        var result = rows.Count == 1 ? rows[0].alias() : cat(rows, 0);
        PendingLogits?.Dispose();
        PendingLogits = null;
        Pending.Clear();
        return result;
    }

    /// <summary>
    /// Feeds the pending tokens (a chain) and then a token tree (<paramref name="parents"/>[n] an earlier tree node or
    /// −1 for the position after the pending tokens) in one call. Returns [1 + n, V]: row 0 is the distribution after the
    /// pending tokens (the tree's root), row 1 + n the distribution after node n. The cache then holds every fed row;
    /// <see cref="KeepPath"/> keeps the accepted ones.
    /// </summary>
    public Tensor AdvanceTree(IReadOnlyList<long> tokens, IReadOnlyList<int> parents)
    {
        if (tokens.Count == 0)
            return Advance(null);
        int pending = Pending.Count;
        var ids = Pending.Concat(tokens).ToArray();
        var blockParents = new int[ids.Length];
        for (var j = 0; j < pending; j++)
            blockParents[j] = j - 1;
        for (var n = 0; n < tokens.Count; n++)
            blockParents[pending + n] = parents[n] < 0 ? pending - 1 : pending + parents[n];
        _treeStart = Cache.Length;
        _treePending = pending;
        using var input = tensor(ids, ScalarType.Int64, Model.Device);
        var logits = Model.DecodeTree(input, blockParents, Cache);
        Calls++;
        var root = pending > 0 ? logits.narrow(0, pending - 1, 1) : PendingLogits!;
        var result = cat([root, logits.narrow(0, pending, tokens.Count)], 0);
        PendingLogits?.Dispose();
        PendingLogits = null;
        Pending.Clear();
        return result;
    }

    /// <summary>
    /// After <see cref="AdvanceTree"/>: keeps the pending tokens and the tree nodes of <paramref name="path"/> in the cache,
    /// and marks <paramref name="final"/> pending.
    /// </summary>
    public void KeepPath(IReadOnlyList<int> path, long final)
    {
        var rows = Enumerable.Range(0, _treePending).Concat(path.Select(node => _treePending + node)).ToArray();
        Cache.KeepRows(_treeStart, rows);
        Pending.Clear();
        Pending.Add(final);
    }

    /// <summary>
    /// Drops every cached position from <paramref name="length"/> on and feeds a token tree there
    /// (<see cref="ICausalLanguageModel.DecodeTree"/>; nothing may be pending): logits [n, V], row n after node n.
    /// </summary>
    public Tensor DecodeTreeAt(int length, IReadOnlyList<long> tokens, IReadOnlyList<int> parents)
    {
        if (Pending.Count > 0 || PendingLogits is not null)
            throw new InvalidOperationException("ModelCursor: feed the pending tokens before a token tree.");
        Rollback(length, []);
        using var ids = tensor(tokens.ToArray(), ScalarType.Int64, Model.Device);
        var logits = Model.DecodeTree(ids, parents, Cache);
        Calls++;
        return logits;
    }

    /// <summary>Keeps cache rows start + rows[i] as positions start + i (a fed tree's path) and marks <paramref name="pending"/> as not cached.</summary>
    public void KeepRows(int start, IReadOnlyList<int> rows, IEnumerable<long> pending)
    {
        if (rows.Count > 0)
            Cache.KeepRows(start, rows);
        else if (start < Cache.Length)
            Cache.Truncate(start);
        Pending.Clear();
        Pending.AddRange(pending);
    }

    /// <summary>Keeps the first <paramref name="length"/> cached positions and marks <paramref name="pending"/> as not cached.</summary>
    public void Rollback(int length, IEnumerable<long> pending)
    {
        if (length < Cache.Length)
            Cache.Truncate(length);
        Pending.Clear();
        Pending.AddRange(pending);
    }

    public void Dispose()
    {
        PendingLogits?.Dispose();
        Cache.Dispose();
    }
}
