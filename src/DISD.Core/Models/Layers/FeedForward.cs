using DISD.Models.Config;
using DISD.Models.Kernels;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>The gated MLP <c>down(act(gate(x)) · up(x))</c> with gate and up fused into one [2·I, hidden] projection.</summary>
public static class FeedForward
{
    public static Tensor Gated(Tensor x, Projection gateUp, Projection down, Activation activation)
    {
        var both = Linear.Apply(x, gateUp);
        if (activation == Activation.GeluTanh && both.dim() == 2 && TensorData.IsHostFloat32(both))
            return Linear.Apply(GeluTanhGate.Apply(both, DecodeThreads.ForProjections), down);
        long inner = both.shape[^1] / 2;
        // libtorch's fused activations compute an element in their vector loop or, past the last full vector, in a
        // scalar tail with other last bits. gate is a strided view (rows of 2·I), so the loop runs row by row and an
        // element's place in it is its column: a verify block's row gets the same bits as a one-token step. On a
        // contiguous [rows, I] tensor the loop would run across rows and that would no longer hold.
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
