using DISD.Models.Kernels;
using DISD.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DISD.Models.Layers;

/// <summary>
/// <c>x · Wᵀ + b</c> (<c>nn.functional.linear</c>) for every projection of the models. A projection kept as panels
/// (float32 on the CPU) goes through <see cref="PanelMatmul"/>: it streams the weights at the memory's speed, a verify
/// block of k+1 tokens costs little more than one, and a token's product does not depend on the block it is in (a
/// prompt's prefill included). Other dtypes and devices use F.linear.
/// </summary>
public static class Linear
{
    public static Tensor Apply(Tensor x, Projection projection)
    {
        if (projection.Panels is not { } panels)
            return F.linear(x, projection.Weight!, projection.Bias);

        // Views and copies only where needed: a decode step's x is already a contiguous [rows, k], and every libtorch op,
        // however small, has a fixed dispatch cost.
        long rows = x.numel() / x.shape[^1], n = projection.OutFeatures;
        var flat = x.dim() == 2 ? x : x.reshape(rows, x.shape[^1]);
        if (!flat.is_contiguous())
            flat = flat.contiguous();
        var product = PanelMatmul.Multiply(flat, panels, n, ThreadsFor(panels));
        if (projection.Bias is { } bias)
            product.add_(bias, Scalars.One);
        return x.dim() == 2 ? product : product.reshape([.. x.shape[..^1], n]);
    }

    /// <summary>Below 2^18 weights (1 MiB) a product is done before a second thread would have woken up, so it runs on one.</summary>
    private static int ThreadsFor(Tensor weight) => weight.numel() < 1L << 18 ? 1 : DecodeThreads.ForProjections;
}
