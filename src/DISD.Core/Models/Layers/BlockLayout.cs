namespace DISD.Models.Layers;

/// <summary>
/// The new tokens of one forward pass after <see cref="Start"/> cached positions. Sequential: token j sits at position
/// Start + j and attends to every earlier token. Tree (<see cref="Parents"/> set): token j's parent is an earlier new
/// token or −1 (the cached prefix); it sits at position Start + depth(j) and attends to the prefix, its ancestors and
/// itself only. Its keys and values are still stored at cache row Start + j.
/// </summary>
public sealed record BlockLayout
{
    private BlockLayout(long start, long count, int[]? parents, long[]? depths)
    {
        Start = start;
        Count = count;
        Parents = parents;
        Depths = depths;
    }

    public long Start { get; }

    public long Count { get; }

    public IReadOnlyList<int>? Parents { get; }

    /// <summary>Depth of each new token (0 for children of the prefix); null for a sequential block.</summary>
    public IReadOnlyList<long>? Depths { get; }

    public bool IsTree => Parents is not null;

    public static BlockLayout Sequential(long start, long count) => new(start, count, null, null);

    public static BlockLayout Tree(long start, IReadOnlyList<int> parents)
    {
        var depths = new long[parents.Count];
        for (var j = 0; j < parents.Count; j++)
        {
            var parent = parents[j];
            if (parent < -1 || parent >= j)
                throw new ArgumentException($"Token tree: parent {parent} of token {j} must be −1 (the prefix) or an earlier token.", nameof(parents));
            depths[j] = parent < 0 ? 0 : depths[parent] + 1;
        }
        return new BlockLayout(start, parents.Count, [.. parents], depths);
    }

    /// <summary>Whether new token <paramref name="ancestor"/> is <paramref name="token"/> or one of its ancestors.</summary>
    public bool IsAncestorOrSelf(int ancestor, int token)
    {
        if (Parents is null)
            return ancestor <= token;
        for (var j = token; j >= 0; j = Parents[j])
        {
            if (j == ancestor)
                return true;
        }
        return false;
    }

    /// <summary>The position of new token <paramref name="j"/>.</summary>
    public long PositionOf(int j) => Start + (Depths?[j] ?? j);
}
