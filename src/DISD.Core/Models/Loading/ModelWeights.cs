using System.Globalization;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Loading;

/// <summary>
/// Reads a model's parameters from a checkpoint, checking names and shapes, converting to the compute dtype on the
/// compute device one tensor at a time. Names are given without the module prefix ("layers.0.mlp.up_proj.weight");
/// the prefix under which the checkpoint stores the decoder ("model.", "language_model.model.", ...) is detected.
/// Each parameter goes to its part's device in <see cref="Devices"/>: "layers.N.*" to layer N's, "embed_tokens.*" to the
/// embedding's, everything else (final norm, lm_head) to the head's.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    private static readonly string[] DecoderPrefixes = ["model.", "model.language_model.", "language_model.model.", "language_model.", ""];

    private readonly SafetensorsCheckpoint _checkpoint;
    private readonly string _decoderPrefix;
    private readonly string _headPrefix;
    private readonly DeviceMap? _devices;

    public ModelWeights(SafetensorsCheckpoint checkpoint, Device device, ScalarType dtype)
        : this(checkpoint, null, device, dtype)
    {
    }

    public ModelWeights(SafetensorsCheckpoint checkpoint, DeviceMap devices, ScalarType dtype)
        : this(checkpoint, devices, devices.Embedding, dtype)
    {
    }

    private ModelWeights(SafetensorsCheckpoint checkpoint, DeviceMap? devices, Device device, ScalarType dtype)
    {
        _checkpoint = checkpoint;
        _devices = devices;
        Device = device;
        DType = dtype;
        _decoderPrefix = DecoderPrefixes.FirstOrDefault(p => checkpoint.Contains(p + "embed_tokens.weight"))
            ?? throw new DisdException($"{checkpoint.Directory}: no embedding tensor found (looked for "
                + $"{string.Join(", ", DecoderPrefixes.Select(p => $"'{p}embed_tokens.weight'"))})");
        _headPrefix = _decoderPrefix == "language_model.model." ? "language_model." : "";
    }

    /// <summary>The embedding's device (the model's input device).</summary>
    public Device Device { get; }

    /// <summary>The device of every part; all on <see cref="Device"/> unless a map was given.</summary>
    public DeviceMap Devices(int layerCount)
    {
        var devices = _devices ?? DeviceMap.Single(Device, layerCount);
        if (devices.Layers.Count != layerCount)
        {
            throw new DisdException($"{_checkpoint.Directory}: the device map places {devices.Layers.Count} layers but the model has {layerCount}");
        }
        return devices;
    }

    public ScalarType DType { get; }

    /// <summary>The output projection exists only when the checkpoint does not tie it to the embeddings.</summary>
    public bool HasLmHead => _checkpoint.Contains(_headPrefix + "lm_head.weight");

    /// <summary>A decoder parameter (name relative to the decoder, e.g. "norm.weight").</summary>
    public Tensor Load(string name, params long[] shape) => LoadFull(_decoderPrefix + name, shape, DType, DeviceFor(name));

    /// <summary>A decoder parameter kept in float32 whatever the compute dtype (Gemma norm weights).</summary>
    public Tensor LoadFloat32(string name, params long[] shape) => LoadFull(_decoderPrefix + name, shape, ScalarType.Float32, DeviceFor(name));

    /// <summary>A decoder tensor in the checkpoint's own dtype, on its device.</summary>
    public Tensor LoadAsStored(string name, params long[] shape)
    {
        string fullName = _decoderPrefix + name;
        RequireShape(fullName, shape);
        return _checkpoint.Read(fullName, null, DeviceFor(name));
    }

    public Tensor LoadLmHead(params long[] shape) => LoadFull(_headPrefix + "lm_head.weight", shape, DType, _devices?.Head ?? Device);

    /// <summary>Concatenates parameters along dim 0 (fused QKV or gate/up projections) without a second full copy.</summary>
    public Tensor LoadConcatenated(IReadOnlyList<(string Name, long[] Shape)> parts)
    {
        // Check every part against the checkpoint first: the fused buffer's size comes from the config.
        foreach (var (name, shape) in parts)
        {
            RequireShape(_decoderPrefix + name, shape);
        }
        long rows = parts.Sum(p => p.Shape[0]);
        var fused = torch.empty([rows, .. parts[0].Shape[1..]], DType, DeviceFor(parts[0].Name));
        long offset = 0;
        foreach (var (name, shape) in parts)
        {
            using var part = Load(name, shape);
            using var slot = fused.narrow(0, offset, shape[0]);
            slot.copy_(part);
            offset += shape[0];
        }
        return fused;
    }

    /// <summary>The device of a decoder parameter, from its name relative to the decoder.</summary>
    private Device DeviceFor(string name)
    {
        if (_devices is null || name.StartsWith("embed_tokens.", StringComparison.Ordinal))
        {
            return Device;
        }
        if (name.StartsWith("layers.", StringComparison.Ordinal))
        {
            var index = name.AsSpan("layers.".Length);
            index = index[..index.IndexOf('.')];
            int layer = int.Parse(index, NumberStyles.None, CultureInfo.InvariantCulture);
            return layer < _devices.Layers.Count
                ? _devices.Layers[layer]
                : throw new DisdException($"{_checkpoint.Directory}: '{name}' is beyond the {_devices.Layers.Count} layers of the device map");
        }
        return _devices.Head;
    }

    private Tensor LoadFull(string fullName, long[] shape, ScalarType dtype, Device device)
    {
        RequireShape(fullName, shape);
        return _checkpoint.Read(fullName, dtype, device);
    }

    private void RequireShape(string fullName, long[] shape)
    {
        if (!_checkpoint.Contains(fullName))
        {
            throw new DisdException($"{_checkpoint.Directory}: missing tensor '{fullName}' (expected shape [{string.Join(", ", shape)}])");
        }
        var entry = _checkpoint.Entry(fullName);
        if (!entry.Shape.SequenceEqual(shape))
        {
            throw new DisdException(
                $"{_checkpoint.Directory}: tensor '{fullName}' has shape {entry.ShapeText}, expected [{string.Join(", ", shape)}] from config.json; the "
                    + "config does not match the weights");
        }
    }

    public void Dispose() => _checkpoint.Dispose();
}
