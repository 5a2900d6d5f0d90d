using DISD.Models.Kernels;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Layers;

/// <summary>
/// Which cached keys a block of queries at positions start … start+T−1 attends to, and the additive mask over them:
/// causal, and for sliding layers limited to the last <c>window</c> positions (query i sees keys i−window+1 … i).
/// Keys before <see cref="FirstKey"/> are outside every query's window and are not read at all.
/// </summary>
public sealed record AttentionWindow(long FirstKey, Tensor? Mask)
{
    public static AttentionWindow Create(long start, long count, int? window, ScalarType dtype, Device device)
    {
        long firstKey = window is int w ? Math.Max(0, start - w + 1) : 0;
        if (count == 1)
        {
            return new AttentionWindow(firstKey, null);
        }
        using var from = Scalars.Temporary(start);
        using var to = Scalars.Temporary(start + count);
        using var fromKey = Scalars.Temporary(firstKey);
        var queryPositions = torch.arange(from, to, Scalars.One, ScalarType.Int64, device).unsqueeze(1);
        var keyPositions = torch.arange(fromKey, to, Scalars.One, ScalarType.Int64, device).unsqueeze(0);
        var allowed = keyPositions.le(queryPositions);
        if (window is int size)
        {
            allowed = allowed.logical_and(keyPositions.gt(queryPositions.sub(Scalars.Of(size))));
        }
        var mask = torch.zeros([count, start + count - firstKey], dtype, device)
            .masked_fill_(allowed.logical_not(), Scalars.Of(double.NegativeInfinity));
        return new AttentionWindow(firstKey, mask);
    }

    /// <summary>
    /// The window of <paramref name="layout"/>: as <see cref="Create(long, long, int?, ScalarType, Device)"/> for a
    /// sequential block; for a token tree each new token sees the cached prefix (within the window) and its own
    /// ancestors and itself, with the window measured in positions (Start + depth), not cache rows.
    /// </summary>
    public static AttentionWindow Create(BlockLayout layout, int? window, ScalarType dtype, Device device)
    {
        long start = layout.Start, count = layout.Count;
        if (!layout.IsTree)
        {
            return Create(start, count, window, dtype, device);
        }
        long firstKey = window is int w ? Math.Max(0, start - w + 1) : 0;
        if (count == 1)
        {
            return new AttentionWindow(firstKey, null);
        }
        long keys = start + count - firstKey;
        var mask = new float[count * keys];
        for (int query = 0; query < count; query++)
        {
            long queryPosition = layout.PositionOf(query);
            for (long key = firstKey; key < start + count; key++)
            {
                bool visible = key < start || layout.IsAncestorOrSelf((int)(key - start), query);
                long keyPosition = key < start ? key : layout.PositionOf((int)(key - start));
                if (window is int size && keyPosition <= queryPosition - size)
                {
                    visible = false;
                }
                mask[query * keys + key - firstKey] = visible ? 0f : float.NegativeInfinity;
            }
        }
        var hostMask = torch.tensor(mask, [count, keys], ScalarType.Float32);
        return new AttentionWindow(firstKey, hostMask.to(dtype, device));
    }

    /// <summary>The same window with its mask on <paramref name="device"/> (for a model split across devices).</summary>
    public AttentionWindow To(Device device) => Mask is null ? this : this with { Mask = Mask.to(device) };
}

/// <summary>Eager grouped-query attention as transformers computes it, without repeating the key/value heads.</summary>
public static class Attention
{
    /// <summary>
    /// The query and key heads of a fused QKV projection [T, (H + 2·KV)·D] as one [H + KV, T, D] view, so that rotary
    /// embeddings rotate both in one pass; <see cref="SplitQueryKey"/> separates them afterwards.
    /// </summary>
    public static (Tensor QueryKey, Tensor V) SplitQueryKeyValue(Tensor qkv, int heads, int kvHeads, int headDim)
    {
        long tokens = qkv.shape[0];
        var qk = qkv.narrow(1, 0, (heads + kvHeads) * headDim).view(tokens, heads + kvHeads, headDim).transpose(0, 1);
        var v = qkv.narrow(1, (heads + kvHeads) * headDim, kvHeads * headDim).view(tokens, kvHeads, headDim).transpose(0, 1);
        return (qk, v);
    }

    /// <summary>q [H, T, D] and k [KV, T, D] of a rotated [H + KV, T, D] tensor.</summary>
    public static (Tensor Q, Tensor K) SplitQueryKey(Tensor queryKey, int heads, int kvHeads) =>
        (queryKey.narrow(0, 0, heads), queryKey.narrow(0, heads, kvHeads));

    /// <summary>
    /// Splits a fused QKV projection [T, (H + 2·KV)·D] into q [H, T, D], k [KV, T, D] and v [KV, T, D].
    /// </summary>
    public static (Tensor Q, Tensor K, Tensor V) SplitHeads(Tensor qkv, int heads, int kvHeads, int headDim)
    {
        long tokens = qkv.shape[0];
        var q = qkv.narrow(1, 0, heads * headDim).view(tokens, heads, headDim).transpose(0, 1);
        var k = qkv.narrow(1, heads * headDim, kvHeads * headDim).view(tokens, kvHeads, headDim).transpose(0, 1);
        var v = qkv.narrow(1, (heads + kvHeads) * headDim, kvHeads * headDim).view(tokens, kvHeads, headDim).transpose(0, 1);
        return (q, k, v);
    }

    /// <summary>
    /// softmax(cap·tanh(q·kᵀ·scale / cap) + mask) · v with the softmax in float32; q [H, T, D], keys/values [KV, S, D].
    /// Query head h uses key/value head h / (H / KV), as transformers' repeat_kv does. Returns [T, H·D].
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor keys, Tensor values, Tensor? mask, double scale, double? softcap)
    {
        long heads = q.shape[0], tokens = q.shape[1], headDim = q.shape[2];
        long kvHeads = keys.shape[0], keyCount = keys.shape[1];
        long group = heads / kvHeads;
        var grouped = q.reshape(kvHeads, group * tokens, headDim);
        bool kernels = AttentionKernels.Apply(grouped, keys, values);
        var scores = kernels ? AttentionKernels.Scores(grouped, keys, DecodeThreads.ForProjections) : grouped.matmul(keys.transpose(1, 2));
        scores = Scalars.MulInPlace(scores, scale);
        if (softcap is double cap)
        {
            scores = SoftCap(scores, cap);
        }
        scores = scores.view(kvHeads, group, tokens, keyCount);
        if (mask is not null)
        {
            scores = scores.add_(mask, Scalars.One);
        }
        var probabilities = kernels
            ? AttentionKernels.SoftmaxInPlace(scores, DecodeThreads.ForProjections)
            : RmsNorm.CastTo(scores.softmax(-1, ScalarType.Float32), q.dtype);
        var weights = probabilities.view(kvHeads, group * tokens, keyCount);
        var output = kernels ? AttentionKernels.Mix(weights, values, DecodeThreads.ForProjections) : weights.matmul(values);
        return output.view(heads, tokens, headDim).transpose(0, 1).reshape(tokens, heads * headDim);
    }

    /// <summary>
    /// <c>cap · tanh(x / cap)</c>, overwriting <paramref name="x"/>. A contiguous float32 CPU tensor goes through
    /// <see cref="PortableTanh.SoftCap"/> (the same bits on every CPU; libtorch's tanh there is MKL's, picked by CPU);
    /// anything else (CUDA, bfloat16) through libtorch.
    /// </summary>
    public static unsafe Tensor SoftCap(Tensor x, double cap)
    {
        if (!TensorData.IsHostFloat32(x))
            return Scalars.MulInPlace(Scalars.DivInPlace(x, cap).tanh_(), cap);
        float* values = TensorData.Float32(x);
        for (long done = 0, count = x.numel(); done < count; done += int.MaxValue)
            PortableTanh.SoftCap(new Span<float>(values + done, (int)Math.Min(int.MaxValue, count - done)), (float)cap);
        GC.KeepAlive(x);
        return x;
    }
}
