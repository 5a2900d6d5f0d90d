namespace DISD.Decoding;

/// <summary>
/// The drafter's K branches with identical prefixes merged: node n holds a token at depth <see cref="Depth"/>(n) below
/// its parent (−1 = the root, the position being decoded). Nodes are numbered in creation order, parents first.
/// </summary>
internal sealed class DraftTree
{
    private readonly List<long> _tokens = [];
    private readonly List<int> _parents = [];
    private readonly List<int> _depths = [];
    private readonly List<int> _branches = [];
    private int _rootBranches;
    private readonly Dictionary<(int Parent, long Token), int> _index = [];

    public IReadOnlyList<long> Tokens => _tokens;

    public IReadOnlyList<int> Parents => _parents;

    public int Count => _tokens.Count;

    public int Depth(int node) => node < 0 ? -1 : _depths[node];

    /// <summary>How many branches (lists) pass through <paramref name="node"/> (−1: all that were started).</summary>
    public int Branches(int node) => node < 0 ? _rootBranches : _branches[node];

    /// <summary>A branch starts at the root.</summary>
    public void StartBranch() => _rootBranches++;

    /// <summary>A branch steps from <paramref name="parent"/> to its child holding <paramref name="token"/> (created if new).</summary>
    public int Child(int parent, long token)
    {
        if (!_index.TryGetValue((parent, token), out var node))
        {
            node = _tokens.Count;
            _tokens.Add(token);
            _parents.Add(parent);
            _depths.Add(Depth(parent) + 1);
            _branches.Add(0);
            _index[(parent, token)] = node;
        }
        _branches[node]++;
        return node;
    }

    /// <summary>The child of <paramref name="parent"/> holding <paramref name="token"/>, or −1.</summary>
    public int Find(int parent, long token) => _index.TryGetValue((parent, token), out var node) ? node : -1;

    /// <summary>The first-created child of <paramref name="parent"/>, or −1 for a leaf.</summary>
    public int FirstChild(int parent)
    {
        for (var n = parent + 1; n < _parents.Count; n++)
        {
            if (_parents[n] == parent)
                return n;
        }
        return -1;
    }

    /// <summary>Nodes from the root's child down to <paramref name="node"/>.</summary>
    public List<int> PathTo(int node)
    {
        var path = new List<int>();
        for (var n = node; n >= 0; n = _parents[n])
            path.Insert(0, n);
        return path;
    }
}
