using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Testing;

/// <summary>Preallocated per-layer keys and values [heads, capacity, head width] of a <see cref="RandomTransformerModel"/>.</summary>
public sealed class RandomTransformerCache : IKvCache
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    internal RandomTransformerCache(int layers, int heads, int headWidth, int capacity, ScalarType dtype, Device device)
    {
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var l = 0; l < layers; l++)
        {
            _keys[l] = zeros([heads, capacity, headWidth], dtype, device).DetachFromDisposeScope();
            _values[l] = zeros([heads, capacity, headWidth], dtype, device).DetachFromDisposeScope();
        }
    }

    public int Length { get; private set; }

    public int Capacity { get; }

    public void Truncate(int length)
    {
        if (length < 0 || length > Length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Truncate: length must lie in [0, {Length}].");
        Length = length;
    }

    /// <summary>Writes keys/values [heads, k, head width] at positions start…start+k−1; returns positions 0…start+k−1.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, int start, Tensor keys, Tensor values)
    {
        var count = keys.shape[1];
        _keys[layer].narrow(1, start, count).copy_(keys);
        _values[layer].narrow(1, start, count).copy_(values);
        return (_keys[layer].narrow(1, 0, start + count), _values[layer].narrow(1, 0, start + count));
    }

    internal void SetLength(int length) => Length = length;

    public void KeepRows(int start, IReadOnlyList<int> rows)
    {
        if (start < 0 || start > Length || rows.Any(row => row < 0 || start + row >= Length))
            throw new ArgumentOutOfRangeException(nameof(rows), $"KeepRows: rows must lie within the {Length} cached positions after {start}.");
        if (rows.Count > 0)
        {
            using var scope = NewDisposeScope();
            var index = tensor(rows.Select(row => (long)(start + row)).ToArray(), ScalarType.Int64, _keys[0].device);
            for (var l = 0; l < _keys.Length; l++)
            {
                _keys[l].narrow(1, start, rows.Count).copy_(_keys[l].index_select(1, index));
                _values[l].narrow(1, start, rows.Count).copy_(_values[l].index_select(1, index));
            }
        }
        Length = start + rows.Count;
    }

    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
            tensor.Dispose();
    }
}
