using DISD.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DISD.Models.Layers;

/// <summary>
/// <c>x · Wᵀ + b</c> (<c>nn.functional.linear</c>) for every projection of the models. On the CPU, a block of 2 to
/// <see cref="SmallBlockRows"/> tokens (a speculative verify block) times a large weight is computed as <c>(W · xᵀ)ᵀ</c> instead: libtorch's
/// MKL sgemm takes 2.5–3× as long for x of 5 rows as for 1 row (its small-M path on this kind of CPU), while the
/// transposed product, a tall-skinny sgemm, streams the weights once — 9.0 vs 19.8 ms for a [5, 1024] × [32000, 1024]ᵀ
/// product on 2 threads, 6.8 ms for one row. One row (decode) and long blocks (prefill) keep F.linear, bit for bit. A
/// block's rows already differed from one-row decoding in the last bits (another summation order) with F.linear too.
/// </summary>
public static class Linear
{
    public const int SmallBlockRows = 16;

    /// <summary>Below this many weights (4 MiB in float32) the product is not bound by streaming W, and F.linear is faster.</summary>
    public const long LargeWeight = 1L << 20;

    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias = null)
    {
        long rows = x.numel() / x.shape[^1];
        if (rows < 2 || rows > SmallBlockRows || weight.numel() < LargeWeight || x.device.type != TorchSharp.DeviceType.CPU)
            return F.linear(x, weight, bias);

        var flat = x.reshape(rows, x.shape[^1]);
        var product = weight.matmul(flat.t()).t().contiguous();
        if (bias is not null)
            product.add_(bias, Scalars.One);
        return product.reshape([.. x.shape[..^1], weight.shape[0]]);
    }
}
