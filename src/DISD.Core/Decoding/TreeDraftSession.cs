using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// A drafter model proposing K branches: branch k at depth j draws its token with list k's randomness at that position
/// from the drafter's distribution given the branch's own prefix. Branches with identical prefixes share a node and
/// the distribution after it (each distribution is computed once), and the cache holds one path at a time: switching
/// branch truncates to the common prefix and feeds the rest in one call.
/// </summary>
internal sealed class TreeDraftSession(ModelCursor cursor, SamplingTransform transform,
    Func<TokenDistributions, long, int, Tensor> drawBranch) : IDisposable
{
    private readonly Dictionary<int, Tensor> _rowAfter = [];
    private readonly List<int> _pathInCache = [];
    private int _rootLength;

    public int Calls => cursor.Calls;

    /// <summary>The drafter's logits row after <paramref name="node"/> (−1: the root) of the last tree, for nodes with children: [1, V].</summary>
    public Tensor RowAfter(int node) => _rowAfter[node];

    /// <summary>The tree of <paramref name="lists"/> branches of <paramref name="depth"/> drafts from output position <paramref name="position"/> on.</summary>
    public DraftTree Propose(int position, int depth, int lists)
    {
        var tree = new DraftTree();
        _rowAfter.Clear();
        _pathInCache.Clear();
        var logits = cursor.Advance(null);
        _rowAfter[-1] = logits.narrow(0, logits.shape[0] - 1, 1);
        _rootLength = cursor.Cache.Length;
        for (var list = 0; list < lists; list++)
        {
            var node = -1;
            tree.StartBranch();
            for (var j = 0; j < depth; j++)
            {
                var draft = drawBranch(new TokenDistributions(RowAfter(tree, node), transform), position + j, list);
                node = tree.Child(node, draft.cpu().item<long>());
            }
        }
        return tree;
    }

    /// <summary>The nodes of <paramref name="accepted"/> and then <paramref name="final"/> were emitted.</summary>
    public void Commit(DraftTree tree, IReadOnlyList<int> accepted, long final)
    {
        var kept = 0;
        while (kept < accepted.Count && kept < _pathInCache.Count && accepted[kept] == _pathInCache[kept])
            kept++;
        cursor.Rollback(_rootLength + kept, accepted.Skip(kept).Select(node => tree.Tokens[node]).Append(final));
    }

    private Tensor RowAfter(DraftTree tree, int node)
    {
        if (_rowAfter.TryGetValue(node, out var row))
            return row;
        var path = tree.PathTo(node);
        var common = 0;
        while (common < _pathInCache.Count && common < path.Count && _pathInCache[common] == path[common])
            common++;
        cursor.Rollback(_rootLength + common, []);
        _pathInCache.RemoveRange(common, _pathInCache.Count - common);
        var feed = path.Skip(common).ToList();
        var ids = tensor(feed.Select(n => tree.Tokens[n]).ToArray(), ScalarType.Int64, cursor.Model.Device);
        var logits = cursor.Advance(ids);
        for (var i = 0; i < feed.Count; i++)
            _rowAfter[feed[i]] = logits.narrow(0, i, 1);
        _pathInCache.AddRange(feed);
        return _rowAfter[node];
    }

    public void Dispose() => cursor.Dispose();
}
