using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// One decoder layer (transformers' XxxDecoderLayer) of <see cref="DecoderModel"/>'s stack: the block's hidden state
/// [T, hidden] in, the next one out; its attention writes the block's keys and values into its layer of the cache.
/// </summary>
internal abstract class DecoderLayer
{
    public abstract Tensor Forward(Tensor hidden, LayerInputs inputs, KvCache cache);

    /// <summary>The residual connection <c>hidden + update</c>, into a new tensor.</summary>
    protected static Tensor Residual(Tensor hidden, Tensor update) => hidden.add(update, Scalars.One);

    /// <summary>The residual connection <c>hidden + update</c>, written into <paramref name="hidden"/>.</summary>
    protected static Tensor ResidualInPlace(Tensor hidden, Tensor update) => hidden.add_(update, Scalars.One);
}

/// <summary>
/// What a layer's attention needs besides its weights: the rotary tables of the block's positions (cos, and sin with
/// rotate_half's sign folded in; see <see cref="RotaryEmbedding.Table(BlockLayout, ScalarType)"/>) and its window.
/// </summary>
internal sealed record LayerInputs(Tensor Cos, Tensor Sin, AttentionWindow Window)
{
    public LayerInputs To(Device device) => new(Cos.to(device), Sin.to(device), Window.To(device));
}

/// <summary>
/// The layer inputs of one forward pass: one set for full-attention layers and one for sliding-window layers (the
/// same object when no layer slides; the same rotary tables when the family has one rope).
/// </summary>
internal sealed record BlockInputs(LayerInputs Full, LayerInputs Sliding)
{
    public LayerInputs For(bool sliding) => sliding ? Sliding : Full;

    /// <summary>The inputs on <paramref name="device"/>, each tensor copied once (for a model split across devices).</summary>
    public BlockInputs To(Device device)
    {
        var full = Full.To(device);
        var sliding = ReferenceEquals(Sliding, Full) ? full
            : ReferenceEquals(Sliding.Cos, Full.Cos) ? full with { Window = Sliding.Window.To(device) }
            : Sliding.To(device);
        return new BlockInputs(full, sliding);
    }
}
