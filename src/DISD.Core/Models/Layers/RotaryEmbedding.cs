using DISD.Models.Config;
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
        var exponents = torch.arange(0, headDim, 2, ScalarType.Int64, device).to(ScalarType.Float32).div(headDim);
        var inverse = torch.tensor((float)settings.Theta, ScalarType.Float32, device).pow(exponents).reciprocal();
        inverse = settings.Type switch
        {
            "linear" => inverse.div(settings.Factor),
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
    public (Tensor Cos, Tensor Sin) Table(long start, long count, ScalarType dtype) =>
        TableAt(torch.arange(start, start + count, ScalarType.Float32, _inverseFrequencies.device), dtype);

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
        var doubled = torch.cat([angles, angles], -1);
        var signedSin = doubled.sin();
        signedSin.narrow(-1, 0, angles.shape[^1]).neg_();
        return (RmsNorm.CastTo(doubled.cos(), dtype), RmsNorm.CastTo(signedSin, dtype));
    }

    /// <summary>
    /// <c>x·cos + rotate_half(x)·sin</c> for <paramref name="x"/> [heads, T, headDim], with <paramref name="signedSin"/> from
    /// <see cref="Table"/>: rotate_half(x)·sin = [−x₂, x₁]·sin = roll(x, half)·[−sin₁, sin₂], equal bit for bit since
    /// negation is exact.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        long half = x.shape[^1] / 2;
        return x.roll(half, -1).mul_(signedSin).add_(x.mul(cos));
    }

    private static Tensor Llama3Scaling(Tensor inverse, RopeSettings s)
    {
        double oldContext = s.OriginalMaxPositions;
        double lowFreqWavelength = oldContext / s.LowFreqFactor;
        double highFreqWavelength = oldContext / s.HighFreqFactor;
        // Python's `scalar / tensor` is `tensor.reciprocal() * scalar` (torch/_tensor.py __rtruediv__); written the same way for equal bits.
        var wavelength = inverse.reciprocal().mul(2 * Math.PI);
        var scaled = torch.where(wavelength.gt(lowFreqWavelength), inverse.div(s.Factor), inverse);
        var smooth = wavelength.reciprocal().mul(oldContext).sub(s.LowFreqFactor).div(s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = smooth.neg().add(1).mul(scaled).div(s.Factor).add(smooth.mul(scaled));
        var isMedium = wavelength.lt(highFreqWavelength).logical_not().logical_and(wavelength.gt(lowFreqWavelength).logical_not());
        return torch.where(isMedium, smoothed, scaled);
    }

    public void Dispose() => _inverseFrequencies.Dispose();
}
