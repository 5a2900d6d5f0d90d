using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Preallocated keys and values, one [kvHeads, capacity, headDim] buffer pair per layer, written in place.
/// Positions at or after <see cref="Length"/> hold stale data that the next step overwrites.
/// </summary>
public sealed class KvCache : IKvCache
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <param name="devices">Each layer's device; its keys and values live there.</param>
    internal KvCache(object owner, IReadOnlyList<Device> devices, int kvHeads, int headDim, int capacity, ScalarType dtype)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A KV cache needs room for at least one position");
        }
        Owner = owner;
        Capacity = capacity;
        _keys = new Tensor[devices.Count];
        _values = new Tensor[devices.Count];
        for (int i = 0; i < devices.Count; i++)
        {
            _keys[i] = torch.zeros([kvHeads, capacity, headDim], dtype, devices[i]).DetachFromDisposeScope();
            _values[i] = torch.zeros([kvHeads, capacity, headDim], dtype, devices[i]).DetachFromDisposeScope();
        }
    }

    public int Length { get; private set; }

    public int Capacity { get; }

    internal object Owner { get; }

    public void Truncate(int length)
    {
        if (length < 0 || length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Truncate needs 0 ≤ length ≤ {Length} (the cached length)");
        }
        Length = length;
    }

    /// <summary>
    /// Keeps the cached rows start + rows[0], start + rows[1], … (a verified token tree's accepted path) as positions
    /// start, start + 1, … and drops everything after them.
    /// </summary>
    public void KeepRows(int start, IReadOnlyList<int> rows)
    {
        if (start < 0 || start > Length || rows.Any(row => row < 0 || start + row >= Length))
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"KeepRows needs rows within the {Length} cached positions after {start}");
        }
        if (rows.Count > 0)
        {
            using var inference = torch.inference_mode();
            using var scope = torch.NewDisposeScope();
            var index = torch.tensor(rows.Select(row => (long)(start + row)).ToArray(), ScalarType.Int64, _keys[0].device);
            for (int layer = 0; layer < _keys.Length; layer++)
            {
                var layerIndex = DISD.Runtime.DeviceMap.Same(index.device, _keys[layer].device) ? index : index.to(_keys[layer].device);
                var keys = _keys[layer].index_select(1, layerIndex);
                var values = _values[layer].index_select(1, layerIndex);
                _keys[layer].narrow(1, start, rows.Count).copy_(keys);
                _values[layer].narrow(1, start, rows.Count).copy_(values);
            }
        }
        Length = start + rows.Count;
    }

    /// <summary>
    /// Stores <paramref name="keys"/> and <paramref name="values"/> ([kvHeads, T, headDim]) at positions Length … Length+T−1
    /// of layer <paramref name="layer"/> and returns views of the cached positions <paramref name="firstKey"/> … Length+T−1.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Write(int layer, Tensor keys, Tensor values, long firstKey)
    {
        long count = keys.shape[1];
        _keys[layer].narrow(1, Length, count).copy_(keys);
        _values[layer].narrow(1, Length, count).copy_(values);
        long visible = Length + count - firstKey;
        return (_keys[layer].narrow(1, firstKey, visible), _values[layer].narrow(1, firstKey, visible));
    }

    /// <summary>Commits the positions written by a finished forward pass.</summary>
    internal void Advance(int count) => Length += count;

    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
        {
            tensor.Dispose();
        }
    }
}
