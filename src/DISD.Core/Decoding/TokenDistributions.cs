using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Next-token distributions of consecutive positions, from float32 logits [R, V] and a temperature
/// (probabilities softmax(logits/T) in float32; T = 0 means greedy). Derived tensors are created lazily in the
/// caller's dispose scope, so an instance must not outlive the step that made it.
/// </summary>
public sealed class TokenDistributions
{
    private Tensor? _logProbs;
    private Tensor? _probs;

    public TokenDistributions(Tensor logits, double temperature)
    {
        if (logits.dim() != 2)
            throw new ArgumentException($"TokenDistributions: logits must be [R, V], got {logits.dim()} dimensions.");
        Logits = logits.to_type(ScalarType.Float32);
        Temperature = temperature;
    }

    public Tensor Logits { get; }

    public double Temperature { get; }

    public bool IsGreedy => Temperature == 0;

    public int Rows => (int)Logits.shape[0];

    public int Vocab => (int)Logits.shape[1];

    public Tensor LogProbs => _logProbs ??= ScaledLogits().log_softmax(1);

    public Tensor Probs => _probs ??= ScaledLogits().softmax(1);

    /// <summary>The rows start … start+count−1 as their own distributions.</summary>
    public TokenDistributions Slice(int start, int count) => new(Logits.narrow(0, start, count), Temperature);

    // x / 1 == x exactly, so temperature 1 skips the division.
    private Tensor ScaledLogits() => IsGreedy || Temperature == 1 ? Logits : Logits.div(Temperature);
}
