using DISD.Models.Kernels;
using DISD.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DISD.Models.Layers;

/// <summary>
/// <c>x · Wᵀ + b</c> (<c>nn.functional.linear</c>) for every projection of the models. On the CPU in float32, a
/// decode step or verify block (1 to <see cref="SmallBlockMatmul.MaxRows"/> tokens) goes through
/// <see cref="SmallBlockMatmul"/>: it streams the weights at the memory's speed, a block of k+1 tokens costs little
/// more than one, and a token's result does not depend on the block it is in. Prefill blocks and other dtypes and
/// devices keep F.linear.
/// </summary>
public static class Linear
{
    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias = null)
    {
        long rows = x.numel() / x.shape[^1];
        if (!UsesKernel(x, weight, rows))
            return F.linear(x, weight, bias);

        // Views and copies only where needed: a decode step's x is already a contiguous [rows, k] (each op costs ~1 µs).
        var flat = x.dim() == 2 ? x : x.reshape(rows, x.shape[^1]);
        if (!flat.is_contiguous())
            flat = flat.contiguous();
        var product = SmallBlockMatmul.Multiply(flat, weight, ThreadsFor(weight));
        if (bias is not null)
            product.add_(bias, Scalars.One);
        return x.dim() == 2 ? product : product.reshape([.. x.shape[..^1], weight.shape[0]]);
    }

    private static bool UsesKernel(Tensor x, Tensor weight, long rows) =>
        rows >= 1 && rows <= SmallBlockMatmul.MaxRows && SmallBlockMatmul.IsSupported
        && x.device_type == TorchSharp.DeviceType.CPU && x.dtype == ScalarType.Float32
        && weight.dtype == ScalarType.Float32 && weight.dim() == 2 && weight.is_contiguous();

    /// <summary>Below 2^18 weights (1 MiB) a product takes a few microseconds, less than waking a second thread.</summary>
    private static int ThreadsFor(Tensor weight) => weight.numel() < 1L << 18 ? 1 : DecodeThreads.ForProjections;
}
