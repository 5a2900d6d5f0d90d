using System.Globalization;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Guards against writing or sampling from NaN/Inf: each step reduces its distributions to one on-device flag, read
/// back with the step's tokens; only when the flag is down is the cause worked out (a second read, on the way to an error).
/// </summary>
internal static class FiniteCheck
{
    /// <summary>
    /// An int64 [1] tensor: 1 when the raw logits are finite and, when sampling, so is every probability (truncated
    /// tokens have log-probability −∞ but probability exactly 0, so the probabilities are what is checked).
    /// </summary>
    public static Tensor Flag(TokenDistributions distributions)
    {
        if (TensorData.IsHostFloat32(distributions.Logits))
            return tensor(new[] { HostFlag(distributions) ? 1L : 0L }, ScalarType.Int64);
        var finite = distributions.Logits.isfinite().all();
        if (!distributions.IsGreedy)
            finite = finite.logical_and(distributions.Probs.isfinite().all());
        return finite.reshape(1).to_type(ScalarType.Int64);
    }

    public static Tensor Flag(Tensor values) => values.isfinite().all().reshape(1).to_type(ScalarType.Int64);

    /// <summary>
    /// <see cref="Flag(TokenDistributions)"/> read in host memory, without a softmax: softmax(x) is finite exactly when
    /// every x is finite or −∞ (a truncated token) and some x is finite, so the transformed logits are what is checked.
    /// </summary>
    private static unsafe bool HostFlag(TokenDistributions distributions)
    {
        var logits = distributions.Logits;
        bool finite = HostFiniteness.AllFinite(TensorData.Float32(logits), logits.numel());
        GC.KeepAlive(logits);
        if (!finite || distributions.IsGreedy)
            return finite;
        // Temperature 1 without truncation samples from softmax(logits) itself, finite whenever the logits are.
        if (distributions.Temperature == 1 && !distributions.Transform.Truncates)
            return logits.shape[1] > 0;
        var transformed = distributions.Transformed;
        finite = TensorData.IsHostFloat32(transformed) && HostFiniteness.SoftmaxIsFinite(TensorData.Float32(transformed),
            (int)transformed.shape[0], (int)transformed.shape[1]);
        GC.KeepAlive(transformed);
        return finite;
    }

    /// <summary>The error naming the model, the output position and the cause.</summary>
    public static DisdException Error(string model, long position, TokenDistributions distributions)
    {
        string cause;
        if (distributions.Logits.isnan().any().item<bool>())
            cause = "its logits are NaN (NaN weights in the checkpoint, or a numeric overflow in float16); check the weights or try --dtype float32";
        else if (!distributions.Logits.isfinite().all().item<bool>())
            cause = "its logits are infinite (overflowing weights or activations); check the weights or try --dtype float32";
        else
            cause = string.Create(CultureInfo.InvariantCulture,
                $"softmax(logits / {distributions.Temperature}) is not finite (the temperature is too small for these logits); raise --temperature or decode "
                    + $"greedily");
        return new DisdException($"model {model}: non-finite next-token distribution at generated position {position}: {cause}");
    }
}
