using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Public randomness of recent output positions, one row per position, computed once and shared by the drafter and
/// the target (they use the same randomness at a position). Rows live outside every dispose scope until
/// <see cref="Forget"/> drops them.
/// </summary>
internal sealed class PositionNoiseCache : IDisposable
{
    private readonly Dictionary<long, Tensor[]> _rows = [];
    private long _width = -1;

    /// <summary>
    /// Part <paramref name="part"/> of the rows of positions firstPosition … firstPosition+count−1 stacked: [count, ·].
    /// <paramref name="make"/> builds all parts of one position as [1, ·] tensors; they must depend only on the position
    /// and <paramref name="width"/>.
    /// </summary>
    public Tensor Rows(long firstPosition, int count, long width, int part, Func<long, Tensor[]> make)
    {
        if (width != _width)
        {
            Forget(long.MaxValue);
            _width = width;
        }
        var rows = new Tensor[count];
        for (var r = 0; r < count; r++)
            rows[r] = Row(firstPosition + r, make)[part];
        return count == 1 ? rows[0].alias() : cat(rows, 0);
    }

    /// <summary>Drops the rows of every position below <paramref name="position"/>.</summary>
    public void Forget(long position)
    {
        foreach (var key in _rows.Keys.Where(key => key < position).ToList())
        {
            foreach (var tensor in _rows[key])
                tensor.Dispose();
            _rows.Remove(key);
        }
    }

    public void Dispose() => Forget(long.MaxValue);

    private Tensor[] Row(long position, Func<long, Tensor[]> make)
    {
        if (_rows.TryGetValue(position, out var cached))
            return cached;
        Tensor[] parts;
        using (var scope = NewDisposeScope())
        {
            parts = make(position);
            foreach (var part in parts)
                part.DetachFromDisposeScope();
        }
        _rows[position] = parts;
        return parts;
    }
}
