using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// Gumbel list sampling (GLS; Rowan, Phan &amp; Khisti 2025) with public randomness: per position K independent lists of
/// exponentials E[k, i] = −log u[k, i] (<see cref="PublicRandomness.ListUniformsForPositions"/>; list 0 is today's stream).
/// The target's token is argmin over (k, i) of E[k, i]/q_i: min_k E[k, i] ~ Exp(K), so min_k E[k, i]/q_i ~ Exp(K·q_i)
/// independently over i, an exact sample from q that depends only on q, the seed and K. Drafter branch k proposes
/// argmin_i E[k, i]/p_i. With K = 1 both are exactly <see cref="GumbelSampler"/>.
/// </summary>
public static class GumbelListSampler
{
    /// <summary>Gumbel noise −log(−log u) of every list: float64 [count, lists, V].</summary>
    public static Tensor ListNoise(ulong seed, long firstPosition, int count, int vocab, int lists, Device device)
    {
        using var scope = NewDisposeScope();
        var uniforms = PublicRandomness.ListUniformsForPositions(seed, firstPosition, count, vocab, lists, device);
        return GumbelSampler.Transform(uniforms.contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>Gumbel noise of list <paramref name="list"/> at one position: float64 [V].</summary>
    public static Tensor ListRowNoise(ulong seed, long position, int list, int vocab, Device device)
    {
        using var scope = NewDisposeScope();
        var uniforms = PublicRandomness.ListUniforms(seed, position, list, vocab, device);
        return GumbelSampler.Transform(uniforms).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The target's noise at one position, max over the lists of <see cref="ListRowNoise"/>, one list at a time so
    /// memory stays O(V) whatever K: float64 [V].
    /// </summary>
    public static Tensor TargetRowNoise(ulong seed, long position, int lists, int vocab, Device device)
    {
        var noise = ListRowNoise(seed, position, 0, vocab, device);
        for (int list = 1; list < lists; list++)
        {
            using var next = ListRowNoise(seed, position, list, vocab, device);
            using var previous = noise;
            noise = previous.maximum(next);
        }
        return noise;
    }

    /// <summary>
    /// The target's noise: the maximum over lists of the Gumbel noise, [count, lists, V] → [count, V]. Then
    /// argmax_i log q_i + max_k g[k, i] = argmin over (k, i) of E[k, i]/q_i.
    /// </summary>
    public static Tensor TargetNoise(Tensor listNoise) => listNoise.amax([1]);

    /// <summary>The target's list-coupled token per row of log-probabilities [R, V] (row r at firstPosition+r): int64 [R].</summary>
    public static Tensor SampleTarget(Tensor logProbs, ulong seed, long firstPosition, int lists)
    {
        using var scope = NewDisposeScope();
        var noise = ListNoise(seed, firstPosition, (int)logProbs.shape[0], (int)logProbs.shape[1], lists,
            logProbs.device);
        return GumbelSampler.SampleWithNoise(logProbs, TargetNoise(noise)).MoveToOuterDisposeScope();
    }

    /// <summary>Branch <paramref name="list"/>'s proposal per row of log-probabilities [R, V]: int64 [R].</summary>
    public static Tensor SampleBranch(Tensor logProbs, ulong seed, long firstPosition, int list, int lists)
    {
        if (list < 0 || list >= lists)
            throw new ArgumentOutOfRangeException(nameof(list), list, $"GumbelListSampler: list must lie in [0, {lists}).");
        using var scope = NewDisposeScope();
        var noise = ListNoise(seed, firstPosition, (int)logProbs.shape[0], (int)logProbs.shape[1], lists,
            logProbs.device);
        return GumbelSampler.SampleWithNoise(logProbs, noise.select(1, list)).MoveToOuterDisposeScope();
    }
}
