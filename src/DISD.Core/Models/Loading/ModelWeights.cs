using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Loading;

/// <summary>
/// Reads a model's parameters from a checkpoint, checking names and shapes, converting to the compute dtype on the
/// compute device one tensor at a time. Names are given without the module prefix ("layers.0.mlp.up_proj.weight");
/// the prefix under which the checkpoint stores the decoder ("model.", "language_model.model.", ...) is detected.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    private static readonly string[] DecoderPrefixes = ["model.", "model.language_model.", "language_model.model.", "language_model.", ""];

    private readonly SafetensorsCheckpoint _checkpoint;
    private readonly string _decoderPrefix;
    private readonly string _headPrefix;

    public ModelWeights(SafetensorsCheckpoint checkpoint, Device device, ScalarType dtype)
    {
        _checkpoint = checkpoint;
        Device = device;
        DType = dtype;
        _decoderPrefix = DecoderPrefixes.FirstOrDefault(p => checkpoint.Contains(p + "embed_tokens.weight"))
            ?? throw new DisdException($"{checkpoint.Directory}: no embedding tensor found (looked for {string.Join(", ", DecoderPrefixes.Select(p => $"'{p}embed_tokens.weight'"))})");
        _headPrefix = _decoderPrefix == "language_model.model." ? "language_model." : "";
    }

    public Device Device { get; }

    public ScalarType DType { get; }

    /// <summary>The output projection exists only when the checkpoint does not tie it to the embeddings.</summary>
    public bool HasLmHead => _checkpoint.Contains(_headPrefix + "lm_head.weight");

    /// <summary>A decoder parameter (name relative to the decoder, e.g. "norm.weight").</summary>
    public Tensor Load(string name, params long[] shape) => LoadFull(_decoderPrefix + name, shape, DType);

    /// <summary>A decoder parameter kept in float32 whatever the compute dtype (Gemma norm weights).</summary>
    public Tensor LoadFloat32(string name, params long[] shape) => LoadFull(_decoderPrefix + name, shape, ScalarType.Float32);

    public Tensor LoadLmHead(params long[] shape) => LoadFull(_headPrefix + "lm_head.weight", shape, DType);

    /// <summary>Concatenates parameters along dim 0 (fused QKV or gate/up projections) without a second full copy.</summary>
    public Tensor LoadConcatenated(IReadOnlyList<(string Name, long[] Shape)> parts)
    {
        long rows = parts.Sum(p => p.Shape[0]);
        var fused = torch.empty([rows, .. parts[0].Shape[1..]], DType, Device);
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

    private Tensor LoadFull(string fullName, long[] shape, ScalarType dtype)
    {
        if (!_checkpoint.Contains(fullName))
        {
            throw new DisdException($"{_checkpoint.Directory}: missing tensor '{fullName}' (expected shape [{string.Join(", ", shape)}])");
        }
        var entry = _checkpoint.Entry(fullName);
        if (!entry.Shape.SequenceEqual(shape))
        {
            throw new DisdException(
                $"{_checkpoint.Directory}: tensor '{fullName}' has shape {entry.ShapeText}, expected [{string.Join(", ", shape)}]");
        }
        return _checkpoint.Read(fullName, dtype, Device);
    }

    public void Dispose() => _checkpoint.Dispose();
}
