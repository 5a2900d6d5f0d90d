using DISD.Models.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Rotate-half rotary position embeddings. Inverse frequencies (with llama3 / linear scaling) and the cos/sin tables
/// are computed in float32 with the same operations as transformers' modeling_rope_utils, then cast to the activation dtype.
/// transformers 5 builds models on the meta device and recomputes inv_freq after loading, copying it into a buffer of
/// the dtype the model was loaded in — the checkpoint's dtype by default (dtype="auto") — where it stays even after
/// <c>model.float()</c>. So the frequencies are rounded to <c>frequencyDtype</c> (the checkpoint's dtype): with that
/// rounding the float32 golden logits match transformers bit for bit, without it they drift by ~1e-3.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _inverseFrequencies;

    public RotaryEmbedding(RopeSettings settings, int headDim, ScalarType frequencyDtype, Device device)
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
        _inverseFrequencies = inverse.to(frequencyDtype).to(ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>cos and sin, each [count, headDim] in <paramref name="dtype"/>, for positions start … start+count−1.</summary>
    public (Tensor Cos, Tensor Sin) Table(long start, long count, ScalarType dtype)
    {
        var positions = torch.arange(start, start + count, ScalarType.Float32, _inverseFrequencies.device);
        var angles = positions.unsqueeze(1).mul(_inverseFrequencies.unsqueeze(0));
        var doubled = torch.cat([angles, angles], -1);
        return (doubled.cos().to(dtype), doubled.sin().to(dtype));
    }

    /// <summary><c>x·cos + rotate_half(x)·sin</c> for <paramref name="x"/> [heads, T, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var rotated = torch.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return x.mul(cos).add_(rotated.mul_(sin));
    }

    private static Tensor Llama3Scaling(Tensor inverse, RopeSettings s)
    {
        double oldContext = s.OriginalMaxPositions;
        double lowFreqWavelength = oldContext / s.LowFreqFactor;
        double highFreqWavelength = oldContext / s.HighFreqFactor;
        var wavelength = torch.full_like(inverse, 2 * Math.PI).div(inverse);
        var scaled = torch.where(wavelength.gt(lowFreqWavelength), inverse.div(s.Factor), inverse);
        var smooth = torch.full_like(wavelength, oldContext).div(wavelength).sub(s.LowFreqFactor).div(s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = smooth.neg().add(1).mul(scaled).div(s.Factor).add(smooth.mul(scaled));
        var isMedium = wavelength.lt(highFreqWavelength).logical_not().logical_and(wavelength.gt(lowFreqWavelength).logical_not());
        return torch.where(isMedium, smoothed, scaled);
    }

    public void Dispose() => _inverseFrequencies.Dispose();
}
