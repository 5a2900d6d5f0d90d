using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// A drafter model proposing K branches: branch k at depth j draws its token with list k's randomness at that position
/// from the drafter's distribution given the branch's own prefix; branches with identical prefixes share a node. The
/// tree grows level by level: one call per level feeds every node so far as a token tree (tree mask, positions by
/// depth) after the committed prefix, and the K branches draw their next tokens together, so a round costs depth
/// drafter calls and one host read per level, whatever K.
/// </summary>
internal sealed class TreeDraftSession(ModelCursor cursor, SamplingTransform transform,
    Func<TokenDistributions, long, Tensor> drawBranches) : IDisposable
{
    private readonly Dictionary<int, Tensor> _rowAfter = [];
    private int _rootLength;
    private int _fedNodes;

    public int Calls => cursor.Calls;

    /// <summary>The drafter's logits row after <paramref name="node"/> (−1: the root) of the last tree, for nodes with children: [1, V].</summary>
    public Tensor RowAfter(int node) => _rowAfter[node];

    /// <summary>
    /// The tree of <paramref name="lists"/> branches of <paramref name="depth"/> drafts from output position
    /// <paramref name="position"/> on. <see cref="drawBranches"/> gets one row per branch (row k: branch k's
    /// distribution) and returns its draft per row.
    /// </summary>
    public DraftTree Propose(int position, int depth, int lists)
    {
        var tree = new DraftTree();
        _rowAfter.Clear();
        var logits = cursor.Advance(null);
        _rowAfter[-1] = logits.narrow(0, logits.shape[0] - 1, 1);
        _rootLength = cursor.Cache.Length;
        _fedNodes = 0;
        var current = Enumerable.Repeat(-1, lists).ToArray();
        foreach (var _ in current)
            tree.StartBranch();
        for (var j = 0; j < depth; j++)
        {
            if (j > 0)
                FeedTree(tree);
            var rows = cat(current.Select(node => _rowAfter[node]).ToArray(), 0);
            var drafts = drawBranches(new TokenDistributions(rows, transform), position + j).cpu().data<long>().ToArray();
            for (var branch = 0; branch < lists; branch++)
                current[branch] = tree.Child(current[branch], drafts[branch]);
        }
        return tree;
    }

    /// <summary>The nodes of <paramref name="accepted"/> and then <paramref name="final"/> were emitted.</summary>
    public void Commit(DraftTree tree, IReadOnlyList<int> accepted, long final)
    {
        // Nodes are numbered level by level, so the fed ones are exactly those below _fedNodes.
        var kept = accepted.TakeWhile(node => node < _fedNodes).ToList();
        cursor.KeepRows(_rootLength, kept, accepted.Skip(kept.Count).Select(node => tree.Tokens[node]).Append(final));
    }

    /// <summary>Feeds every node so far as one token tree after the root and records the distribution after each.</summary>
    private void FeedTree(DraftTree tree)
    {
        var logits = cursor.DecodeTreeAt(_rootLength, tree.Tokens, tree.Parents);
        for (var node = 0; node < tree.Count; node++)
            _rowAfter[node] = logits.narrow(0, node, 1);
        _fedNodes = tree.Count;
    }

    public void Dispose() => cursor.Dispose();
}
