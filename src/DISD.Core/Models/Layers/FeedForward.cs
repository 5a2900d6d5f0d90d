using DISD.Models.Config;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DISD.Models.Layers;

/// <summary>The gated MLP <c>down(act(gate(x)) · up(x))</c> with gate and up fused into one [2·I, hidden] projection.</summary>
public static class FeedForward
{
    public static Tensor Gated(Tensor x, Tensor gateUp, Tensor down, Activation activation, Tensor? gateUpBias = null, Tensor? downBias = null)
    {
        var both = F.linear(x, gateUp, gateUpBias);
        long inner = both.shape[^1] / 2;
        var gate = both.narrow(-1, 0, inner);
        var up = both.narrow(-1, inner, inner);
        var activated = activation switch
        {
            Activation.GeluTanh => gate.gelu(TorchSharp.Modules.GELU.Approximate.tanh),
            Activation.Gelu => gate.gelu(),
            _ => gate.silu(),
        };
        return F.linear(activated.mul_(up), down, downBias);
    }
}
