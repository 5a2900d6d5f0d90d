using DISD.Models.Config;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Self-attention as transformers' LlamaAttention computes it (eager, with a KV cache): one fused q/k/v projection,
/// RoPE on queries and keys, the new keys and values written to the cache, grouped-query attention over the layer's
/// window (<see cref="Attention.Attend"/>) and the output projection. Families differ in the score scale and
/// soft-capping, in projection biases, and in how queries and keys are prepared (<see cref="RotatedHeads"/>).
/// </summary>
internal class SelfAttention
{
    private readonly int _layer;
    private readonly Projection _qkv;
    private readonly Projection _output;
    private readonly double _scale;
    private readonly double? _softcap;

    /// <param name="scale">The factor on q·kᵀ; null for transformers' default, head_dim^−½.</param>
    /// <param name="softcap">Gemma's attn_logit_softcapping: scores become cap·tanh(scores / cap).</param>
    /// <param name="qkvBias">Biases on the q, k and v projections.</param>
    /// <param name="outputBias">A bias on the o projection.</param>
    public SelfAttention(
        LayerWeights weights, DecoderConfig config, double? scale = null, double? softcap = null, bool qkvBias = false, bool outputBias = false)
    {
        (Heads, KvHeads, HeadDim) = (config.NumHeads, config.NumKvHeads, config.HeadDim);
        long queryRows = Heads * HeadDim, keyValueRows = KvHeads * HeadDim;
        _layer = weights.Index;
        _qkv = weights.Fused(
            config.HiddenSize, qkvBias, ("self_attn.q_proj", queryRows), ("self_attn.k_proj", keyValueRows), ("self_attn.v_proj", keyValueRows));
        _output = weights.Linear("self_attn.o_proj", config.HiddenSize, queryRows, outputBias);
        _scale = scale ?? Math.Pow(HeadDim, -0.5);
        _softcap = softcap;
    }

    protected int Heads { get; }

    protected int KvHeads { get; }

    protected int HeadDim { get; }

    /// <summary>The attention output [T, hidden] of the normed hidden state <paramref name="x"/> [T, hidden].</summary>
    public Tensor Forward(Tensor x, LayerInputs inputs, KvCache cache)
    {
        var (q, k, v) = RotatedHeads(Linear.Apply(x, _qkv), inputs.Cos, inputs.Sin);
        var (keys, values) = cache.Write(_layer, k, v, inputs.Window.FirstKey);
        var attended = Attention.Attend(q, keys, values, inputs.Window.Mask, _scale, _softcap);
        return Linear.Apply(attended, _output);
    }

    /// <summary>
    /// q [H, T, D], k and v [KV, T, D] of the fused projection, RoPE applied to q and k. Here queries and keys rotate
    /// together, as one [H + KV, T, D] view: one pass instead of two.
    /// </summary>
    protected virtual (Tensor Q, Tensor K, Tensor V) RotatedHeads(Tensor qkv, Tensor cos, Tensor sin)
    {
        var (queryKey, v) = Attention.SplitQueryKeyValue(qkv, Heads, KvHeads, HeadDim);
        var (q, k) = Attention.SplitQueryKey(RotaryEmbedding.Apply(queryKey, cos, sin), Heads, KvHeads);
        return (q, k, v);
    }
}
