using DISD.Runtime;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// What turns a model's logits into the distribution a party samples from: temperature, then top-k, top-p and min-p,
/// then renormalisation — the order of transformers' generate (<c>_get_logits_processor</c> appends Temperature,
/// TopK, TopP, MinP warpers in that order). Truncated tokens get logit −∞, hence probability exactly 0. Everything
/// stays indexed by vocabulary id, and which tokens survive depends only on the row's own values, never on a sort
/// order: at a tie the whole tied group is kept (transformers' top-k keeps ties too; its top-p breaks them by the
/// sort's order, the only place where the two can differ).
/// </summary>
/// <param name="Temperature">0 = greedy (argmax of the raw logits; the truncations then change nothing).</param>
/// <param name="TopK">Keep the tokens whose logit is at least the k-th largest; null = off.</param>
/// <param name="TopP">
/// Keep each token whose strictly more probable tokens hold less than top-p of the mass: the smallest set of most
/// probable tokens whose mass reaches top-p, the token that crosses it included (transformers' TopPLogitsWarper with
/// min_tokens_to_keep = 1). null or 1 = off.
/// </param>
/// <param name="MinP">Keep tokens with p ≥ min-p · p_max (transformers' MinPLogitsWarper); null or 0 = off.</param>
public sealed record SamplingTransform(double Temperature = 1.0, int? TopK = null, double? TopP = null, double? MinP = null)
{
    public static SamplingTransform Plain(double temperature) => new(temperature);

    public bool IsGreedy => Temperature == 0;

    /// <summary>True when the transform only scales by the temperature (no truncation).</summary>
    public bool Truncates => TopK is not null || TopP is < 1.0 || MinP is > 0.0;

    /// <summary>Checks every parameter; the messages name the CLI options.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"--temperature must be a finite number ≥ 0 (got {Format(Temperature)}).");
        if (TopK is < 1)
            throw new ArgumentException($"--top-k must be ≥ 1 (got {TopK}).");
        if (TopP is { } p && !(p > 0 && p <= 1))
            throw new ArgumentException($"--top-p must lie in (0, 1] (got {Format(p)}).");
        if (MinP is { } m && !(m >= 0 && m < 1))
            throw new ArgumentException($"--min-p must lie in [0, 1) (got {Format(m)}).");
    }

    /// <summary>
    /// The transformed logits of rows [R, V] (float32, −∞ where truncated). Their softmax is the distribution to sample
    /// from; log_softmax its log-probabilities (−∞ at the zeros). Greedy rows are returned unscaled.
    /// </summary>
    public Tensor Apply(Tensor logits)
    {
        if (IsGreedy)
            return logits.alias();
        using var scope = NewDisposeScope();
        // x / 1 == x exactly, so temperature 1 skips the division.
        using var temperature = Scalars.Temporary(Temperature);
        var scaled = Temperature == 1 ? logits.alias() : logits.div(temperature);
        if (TopK is { } k && k < scaled.shape[1])
            scaled = KeepTopK(scaled, k);
        if (TopP is { } p && p < 1)
            scaled = KeepTopP(scaled, p);
        if (MinP is { } m && m > 0)
            scaled = KeepMinP(scaled, m);
        return scaled.MoveToOuterDisposeScope();
    }

    /// <summary>For manifests and logs: "temperature 0.7, top-p 0.9".</summary>
    public string Describe()
    {
        if (IsGreedy)
            return "greedy";
        var parts = new List<string> { $"temperature {Format(Temperature)}" };
        if (TopK is { } k)
            parts.Add($"top-k {k}");
        if (TopP is { } p && p < 1)
            parts.Add($"top-p {Format(p)}");
        if (MinP is { } m && m > 0)
            parts.Add($"min-p {Format(m)}");
        return string.Join(", ", parts);
    }

    private static Tensor KeepTopK(Tensor logits, int k)
    {
        var kth = logits.topk(k, dim: 1).values.narrow(1, k - 1, 1);
        return logits.masked_fill(logits.lt(kth), Scalars.NegativeInfinity);
    }

    /// <summary>
    /// Sort descending; the mass strictly above the i-th sorted token is the exclusive cumulative sum (float64). The
    /// kept sorted prefix is where it is below top-p; its last value is the threshold, and every token at or above the
    /// threshold is kept, so tied tokens share one fate whatever order the sort gave them.
    /// </summary>
    private static Tensor KeepTopP(Tensor logits, double topP)
    {
        var probs = logits.softmax(1).to_type(ScalarType.Float64);
        var sorted = probs.sort(1, descending: true).Values;
        var above = sorted.cumsum(1).sub(sorted);
        using var mass = Scalars.Temporary(topP);
        var kept = above.lt(mass).sum(1, keepdim: true);
        var threshold = sorted.gather(1, kept.sub(Scalars.One));
        return logits.masked_fill(probs.lt(threshold), Scalars.NegativeInfinity);
    }

    private static Tensor KeepMinP(Tensor logits, double minP)
    {
        var probs = logits.softmax(1);
        using var fraction = Scalars.Temporary(minP);
        var floor = probs.amax([1], keepdim: true).mul(fraction);
        return logits.masked_fill(probs.lt(floor), Scalars.NegativeInfinity);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
