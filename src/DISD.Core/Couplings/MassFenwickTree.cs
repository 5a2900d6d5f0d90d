using System.Runtime.CompilerServices;

namespace DISD.Couplings;

/// <summary>
/// Fenwick tree over non-negative masses supporting draws ∝ mass, removal of drawn entries, and an exact undo of every
/// removal (saved node values are written back, so no rounding drift accumulates across retries).
/// </summary>
internal sealed class MassFenwickTree
{
    private readonly double[] _mass;
    private readonly double[] _tree; // 1-based
    private readonly int _topStep;
    private readonly bool[] _removed;
    private int[] _undoNodes = new int[256];
    private double[] _undoValues = new double[256];
    private int _undoCount;
    private int[] _removedEntries = new int[16];
    private int _removedCount;

    /// <summary>Builds the tree in O(n); <paramref name="mass"/> is kept by reference and must not change.</summary>
    public MassFenwickTree(double[] mass) : this(mass, new double[mass.Length + 1], new bool[mass.Length])
    {
    }

    /// <summary>
    /// The same tree in caller-provided working arrays (<paramref name="tree"/> of n + 1 elements and
    /// <paramref name="removed"/> of n, any contents; <see cref="ReturnWorkspace"/> gives back rented ones).
    /// </summary>
    public MassFenwickTree(double[] mass, double[] tree, bool[] removed)
    {
        _mass = mass;
        int n = mass.Length;
        if (tree.Length != n + 1 || removed.Length != n)
            throw new ArgumentException("MassFenwickTree: the working arrays must hold n + 1 and n elements.");
        _tree = tree;
        Array.Clear(_tree);
        Array.Clear(removed);
        for (int i = 1; i <= n; i++)
        {
            _tree[i] += mass[i - 1];
            int parent = i + (i & -i);
            if (parent <= n)
                _tree[parent] += _tree[i];
        }
        _topStep = n == 0 ? 0 : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)n));
        _removed = removed;
        Total = PrefixSum(n);
        for (int i = 0; i < n; i++)
            if (mass[i] > 0)
                PositiveCount++;
    }

    /// <summary>Sum of all masses (nothing removed).</summary>
    public double Total { get; }

    /// <summary>Number of entries with positive mass.</summary>
    public int PositiveCount { get; }

    /// <summary>Entries removed since the last <see cref="RestoreAll"/>.</summary>
    public int RemovedCount => _removedCount;

    public bool IsRemoved(int index) => _removed[index];

    /// <summary>Returns the working arrays to <see cref="ScratchArrays"/> (slots 1 and 0) when they were rented there.</summary>
    public void ReturnWorkspace()
    {
        ScratchArrays.Return(_tree, 1);
        ScratchArrays.Return(_removed, 0);
    }

    /// <summary>The entry whose cumulative range (over remaining entries) contains <paramref name="target"/>, or −1 when rounding
    /// pushes the target past the end or onto a removed entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(double target)
    {
        var tree = _tree;
        int n = tree.Length - 1;
        int pos = 0;
        for (int step = _topStep; step > 0; step >>= 1)
        {
            int next = pos + step;
            if (next <= n && tree[next] <= target)
            {
                target -= tree[next];
                pos = next;
            }
        }
        return pos < n && !_removed[pos] ? pos : -1;
    }

    public void Remove(int index)
    {
        double m = _mass[index];
        var tree = _tree;
        int n = tree.Length - 1;
        for (int j = index + 1; j <= n; j += j & -j)
        {
            if (_undoCount == _undoNodes.Length)
            {
                Array.Resize(ref _undoNodes, _undoCount * 2);
                Array.Resize(ref _undoValues, _undoCount * 2);
            }
            _undoNodes[_undoCount] = j;
            _undoValues[_undoCount++] = tree[j];
            tree[j] -= m;
        }
        _removed[index] = true;
        if (_removedCount == _removedEntries.Length)
            Array.Resize(ref _removedEntries, _removedCount * 2);
        _removedEntries[_removedCount++] = index;
    }

    /// <summary>Puts every removed entry back, restoring the tree bit for bit.</summary>
    public void RestoreAll()
    {
        for (int k = _undoCount - 1; k >= 0; k--)
            _tree[_undoNodes[k]] = _undoValues[k];
        _undoCount = 0;
        for (int k = 0; k < _removedCount; k++)
            _removed[_removedEntries[k]] = false;
        _removedCount = 0;
    }

    private double PrefixSum(int count)
    {
        double sum = 0;
        for (int j = count; j > 0; j -= j & -j)
            sum += _tree[j];
        return sum;
    }
}
