using DISD.Models.Config;
using DISD.Runtime;
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
            Activation.GeluTanh => GeluTanh(gate),
            Activation.Gelu => gate.gelu(),
            _ => Silu(gate),
        };
        return Linear.Apply(activated.mul_(up), down);
    }

    /// <summary>
    /// transformers' gelu_pytorch_tanh, <c>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c>, composed of elementwise
    /// operators. libtorch's fused gelu kernel computes an element with SLEEF in its vector loop and with the C
    /// library in the loop's tail, so an element's last bits depended on its position in the tensor (a verify block's
    /// row against the same token's one-token step, with the avx2 capability); products, sums and tanh give the same
    /// bits in either loop.
    /// </summary>
    public static Tensor GeluTanh(Tensor x)
    {
        var cubic = x.mul(x).mul_(x);
        var inner = Scalars.MulInPlace(cubic, 0.044715).add_(x, Scalars.One);
        var t = Scalars.MulInPlace(inner, Math.Sqrt(2.0 / Math.PI)).tanh_().add_(Scalars.One, Scalars.One);
        return Scalars.MulInPlace(t.mul_(x), 0.5);
    }

    /// <summary>SiLU, <c>x / (1 + exp(−x))</c>, composed for the same reason as <see cref="GeluTanh"/>: libtorch's
    /// silu kernel also differed between its vector loop and its tail.</summary>
    public static Tensor Silu(Tensor x) => x.div(x.neg().exp_().add_(Scalars.One, Scalars.One));
}
