using DISD.Models.Config;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>The gated MLP <c>down(act(gate(x)) · up(x))</c> with gate and up fused into one [2·I, hidden] projection.</summary>
public static class FeedForward
{
    public static Tensor Gated(Tensor x, Projection gateUp, Projection down, Activation activation)
    {
        var both = Linear.Apply(x, gateUp);
        long inner = both.shape[^1] / 2;
        var gate = both.narrow(-1, 0, inner);
        var up = both.narrow(-1, inner, inner);
        var activated = activation switch
        {
            Activation.GeluTanh => gate.gelu(TorchSharp.Modules.GELU.Approximate.tanh),
            Activation.Gelu => gate.gelu(),
            _ => gate.silu(),
        };
        return Linear.Apply(activated.mul_(up), down);
    }
}
