using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Next-token distributions of consecutive positions, from float32 logits [R, V] and a <see cref="SamplingTransform"/>
/// (probabilities softmax(transform(logits)) in float32, exactly 0 where truncated; temperature 0 means greedy).
/// Derived tensors are created lazily in the caller's dispose scope, so an instance must not outlive the step that
/// made it.
/// </summary>
public sealed class TokenDistributions
{
    private Tensor? _transformed;
    private Tensor? _logProbs;
    private Tensor? _probs;

    public TokenDistributions(Tensor logits, SamplingTransform transform)
    {
        if (logits.dim() != 2)
            throw new ArgumentException($"TokenDistributions: logits must be [R, V], got {logits.dim()} dimensions.");
        Logits = logits.to_type(ScalarType.Float32);
        Transform = transform;
    }

    public TokenDistributions(Tensor logits, double temperature) : this(logits, SamplingTransform.Plain(temperature))
    {
    }

    /// <summary>The raw logits (greedy decoding takes their argmax).</summary>
    public Tensor Logits { get; }

    public SamplingTransform Transform { get; }

    public double Temperature => Transform.Temperature;

    public bool IsGreedy => Transform.IsGreedy;

    public int Rows => (int)Logits.shape[0];

    public int Vocab => (int)Logits.shape[1];

    /// <summary>log_softmax of the transformed logits: −∞ at truncated tokens.</summary>
    public Tensor LogProbs => _logProbs ??= Transformed.log_softmax(1);

    /// <summary>softmax of the transformed logits: exactly 0 at truncated tokens.</summary>
    public Tensor Probs => _probs ??= Transformed.softmax(1);

    /// <summary>The rows start … start+count−1 as their own distributions.</summary>
    public TokenDistributions Slice(int start, int count) => new(Logits.narrow(0, start, count), Transform);

    /// <summary>
    /// Point masses on <paramref name="tokens"/> (one row each, width <paramref name="vocab"/>): the proposals of a
    /// model-free drafter. Every coupling's sample of a point mass is its token.
    /// </summary>
    public static TokenDistributions PointMasses(IReadOnlyList<long> tokens, int vocab, Device device)
    {
        var logits = full(tokens.Count, vocab, Scalars.NegativeInfinity, ScalarType.Float32, device);
        var index = tensor(tokens.ToArray(), ScalarType.Int64, device).unsqueeze(1);
        logits.scatter_(1, index, zeros(tokens.Count, 1, ScalarType.Float32, device));
        return new TokenDistributions(logits, SamplingTransform.Plain(1.0));
    }

    /// <summary>The transformed logits (−∞ where truncated), whose softmax is the distribution.</summary>
    internal Tensor Transformed => _transformed ??= Transform.Apply(Logits);
}
