using DISD.Models.Kernels;
using DISD.Models.Config;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Rotate-half rotary position embeddings as transformers' rotary modules build them under <c>from_pretrained</c>:
/// inverse frequencies (with llama3 / linear scaling) computed and kept in float32 whatever dtype the model is loaded
/// in, and cos/sin computed in float32 and only then cast to the activation dtype.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _inverseFrequencies;

    public RotaryEmbedding(RopeSettings settings, int headDim, Device device)
    {
        using var scope = NewDisposeScope();
        var exponents = torch.arange(Scalars.Of(0L), Scalars.Of(headDim), Scalars.Of(2L), ScalarType.Int64, device).to(ScalarType.Float32)
            .div(Scalars.Of(headDim));
        var inverse = torch.tensor((float)settings.Theta, ScalarType.Float32, device).pow(exponents).reciprocal();
        inverse = settings.Type switch
        {
            "linear" => inverse.div(Scalars.Of(settings.Factor)),
            "llama3" => Llama3Scaling(inverse, settings),
            _ => inverse,
        };
        _inverseFrequencies = inverse.DetachFromDisposeScope();
    }

    /// <summary>The float32 inverse frequencies, [headDim / 2].</summary>
    internal Tensor InverseFrequencies => _inverseFrequencies;

    /// <summary>
    /// cos and sin, each [count, headDim] in <paramref name="dtype"/>, for positions start … start+count−1. The sin table
    /// comes with its first half negated (<see cref="Apply"/> folds rotate_half's sign into it).
    /// </summary>
    public (Tensor Cos, Tensor Sin) Table(long start, long count, ScalarType dtype)
    {
        using var from = Scalars.Temporary(start);
        using var to = Scalars.Temporary(start + count);
        return TableAt(torch.arange(from, to, Scalars.One, ScalarType.Float32, _inverseFrequencies.device), dtype);
    }

    /// <summary>
    /// <see cref="Table(long, long, ScalarType)"/> for the positions of <paramref name="layout"/>: explicit positions
    /// Start + depth for a token tree (integers below 2²⁴ are exact in float32, as arange's).
    /// </summary>
    public (Tensor Cos, Tensor Sin) Table(BlockLayout layout, ScalarType dtype)
    {
        if (!layout.IsTree)
            return Table(layout.Start, layout.Count, dtype);
        var positions = Enumerable.Range(0, (int)layout.Count).Select(j => (float)layout.PositionOf(j)).ToArray();
        return TableAt(torch.tensor(positions, ScalarType.Float32, _inverseFrequencies.device), dtype);
    }

    private (Tensor Cos, Tensor Sin) TableAt(Tensor positions, ScalarType dtype)
    {
        var angles = positions.unsqueeze(1).mul(_inverseFrequencies.unsqueeze(0));
        if (angles.device_type == DeviceType.CPU)
            return HostTable(angles, dtype);
        var doubled = torch.cat([angles, angles], -1);
        var signedSin = doubled.sin();
        signedSin.narrow(-1, 0, angles.shape[^1]).neg_();
        return (RmsNorm.CastTo(doubled.cos(), dtype), RmsNorm.CastTo(signedSin, dtype));
    }

    /// <summary>
    /// The CPU's table from the same float32 angles through <see cref="PortableSinCos"/>: libtorch's float sin/cos there
    /// are MKL's, whose kernel (and last bits) MKL picks by CPU.
    /// </summary>
    private static (Tensor Cos, Tensor Sin) HostTable(Tensor angles, ScalarType dtype)
    {
        int rows = (int)angles.shape[0], half = (int)angles.shape[1];
        var values = angles.contiguous().data<float>().ToArray();
        var cos = new float[rows * 2 * half];
        var signedSin = new float[rows * 2 * half];
        for (int row = 0; row < rows; row++)
        {
            for (int i = 0; i < half; i++)
            {
                var (sin, c) = PortableSinCos.SinCos(values[row * half + i]);
                int at = row * 2 * half + i;
                (cos[at], cos[at + half]) = (c, c);
                (signedSin[at], signedSin[at + half]) = (-sin, sin);
            }
        }
        var cosTable = torch.tensor(cos, [rows, 2 * half], ScalarType.Float32);
        var sinTable = torch.tensor(signedSin, [rows, 2 * half], ScalarType.Float32);
        return (RmsNorm.CastTo(cosTable, dtype), RmsNorm.CastTo(sinTable, dtype));
    }

    /// <summary>
    /// <c>x·cos + rotate_half(x)·sin</c> for <paramref name="x"/> [heads, T, headDim], with <paramref name="signedSin"/> from
    /// <see cref="Table"/>: rotate_half(x)·sin = [−x₂, x₁]·sin = roll(x, half)·[−sin₁, sin₂], equal bit for bit since
    /// negation is exact.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        long half = x.shape[^1] / 2;
        return x.roll(half, -1).mul_(signedSin).add_(x.mul(cos), Scalars.One);
    }

    private static Tensor Llama3Scaling(Tensor inverse, RopeSettings s)
    {
        double oldContext = s.OriginalMaxPositions;
        double lowFreqWavelength = oldContext / s.LowFreqFactor;
        double highFreqWavelength = oldContext / s.HighFreqFactor;
        // Python's `scalar / tensor` is `tensor.reciprocal() * scalar` (torch/_tensor.py __rtruediv__); written the same way for equal bits.
        var wavelength = inverse.reciprocal().mul(Scalars.Of(2 * Math.PI));
        var factor = Scalars.Of(s.Factor);
        var scaled = torch.where(wavelength.gt(Scalars.Of(lowFreqWavelength)), inverse.div(factor), inverse);
        var smooth = wavelength.reciprocal().mul(Scalars.Of(oldContext)).sub(Scalars.Of(s.LowFreqFactor))
            .div(Scalars.Of(s.HighFreqFactor - s.LowFreqFactor));
        var smoothed = smooth.neg().add(Scalars.Of(1L), Scalars.One).mul(scaled).div(factor).add(smooth.mul(scaled), Scalars.One);
        var isMedium = wavelength.lt(Scalars.Of(highFreqWavelength)).logical_not()
            .logical_and(wavelength.gt(Scalars.Of(lowFreqWavelength)).logical_not());
        return torch.where(isMedium, smoothed, scaled);
    }

    public void Dispose() => _inverseFrequencies.Dispose();
}
