using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Runtime;

/// <summary>
/// Where each part of one model lives: the embedding, each decoder layer (with its KV cache), and the final norm +
/// output head. A model larger than one GPU is split by layers (transformers' device_map="auto"); hidden states move
/// to the next layer's device at the boundaries.
/// </summary>
public sealed record DeviceMap(Device Embedding, IReadOnlyList<Device> Layers, Device Head)
{
    /// <summary>Everything on <paramref name="device"/>.</summary>
    public static DeviceMap Single(Device device, int layerCount) => new(device, Enumerable.Repeat(device, layerCount).ToArray(), device);

    /// <summary>True when some part lives on a different device than the embedding.</summary>
    public bool IsSplit => !Layers.Append(Head).All(d => Same(d, Embedding));

    /// <summary>Device equality; an unindexed CUDA device is the current one, cuda:0 in this toolkit.</summary>
    public static bool Same(Device a, Device b) =>
        a.type == b.type && (a.type != DeviceType.CUDA ? a.index == b.index : Math.Max(a.index, 0) == Math.Max(b.index, 0));

    public override string ToString()
    {
        var runs = new List<string>();
        for (int start = 0; start < Layers.Count;)
        {
            int end = start;
            while (end + 1 < Layers.Count && Same(Layers[end + 1], Layers[start]))
            {
                end++;
            }
            runs.Add($"layers {start}–{end} on {Layers[start]}");
            start = end + 1;
        }
        return $"embedding on {Embedding}, {string.Join(", ", runs)}, head on {Head}";
    }
}
