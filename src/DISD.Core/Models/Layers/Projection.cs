using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// A linear layer <c>x · Wᵀ + b</c>: W [out, in] either as loaded (multiplied by F.linear) or, where the CPU kernel
/// runs (float32 on the CPU), only as <see cref="PanelMatmul"/>'s panels.
/// </summary>
public sealed class Projection
{
    private Projection(Tensor? weight, Tensor? panels, Tensor? bias, long outFeatures) =>
        (Weight, Panels, Bias, OutFeatures) = (weight, panels, bias, outFeatures);

    /// <summary>W as loaded, when there are no panels.</summary>
    public Tensor? Weight { get; }

    /// <summary>W in <see cref="PanelMatmul"/>'s layout, when the CPU kernel runs.</summary>
    public Tensor? Panels { get; }

    public Tensor? Bias { get; }

    public long OutFeatures { get; }

    /// <summary>Whether a weight is kept as panels: a float32 matrix on a CPU that runs the kernel.</summary>
    public static bool KeepsPanels(Tensor weight) =>
        weight.device_type == TorchSharp.DeviceType.CPU
        && weight.dtype == ScalarType.Float32 && weight.dim() == 2;

    public static Projection Dense(Tensor weight, Tensor? bias = null) => new(weight, null, bias, weight.shape[0]);

    public static Projection FromPanels(Tensor panels, long outFeatures, Tensor? bias = null) => new(null, panels, bias, outFeatures);
}
