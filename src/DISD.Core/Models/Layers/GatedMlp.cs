using DISD.Models.Config;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// transformers' LlamaMLP / Gemma2MLP: <c>down(act(gate(x)) · up(x))</c> (<see cref="FeedForward.Gated"/>), with gate
/// and up loaded as one fused projection.
/// </summary>
internal sealed class GatedMlp
{
    private readonly Projection _gateUp;
    private readonly Projection _down;
    private readonly Activation _activation;

    public GatedMlp(LayerWeights weights, DecoderConfig config, bool bias = false)
    {
        long hidden = config.HiddenSize, inner = config.IntermediateSize;
        _gateUp = weights.Fused(hidden, bias, ("mlp.gate_proj", inner), ("mlp.up_proj", inner));
        _down = weights.Linear("mlp.down_proj", hidden, inner, bias);
        _activation = config.Activation;
    }

    public Tensor Forward(Tensor x) => FeedForward.Gated(x, _gateUp, _down, _activation);
}
