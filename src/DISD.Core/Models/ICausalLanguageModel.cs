using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// A decoder-only language model with a KV cache, batch size 1. Forward passes run under <c>torch.inference_mode()</c>;
/// returned logits live on <see cref="Device"/>, are owned by the caller and are inference tensors (read them, or
/// compute new tensors from them; in-place changes need inference mode too).
/// </summary>
public interface ICausalLanguageModel : IDisposable
{
    /// <summary>Short name used in file names and logs (e.g. the checkpoint folder name).</summary>
    string Name { get; }

    /// <summary>Width of the logits (embedding rows); may exceed the tokenizer's vocabulary.</summary>
    int VocabSize { get; }

    /// <summary>Id(s) that end generation.</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    Device Device { get; }

    /// <summary>A fresh, empty cache sized for up to <paramref name="maxLength"/> positions.</summary>
    IKvCache NewCache(int maxLength);

    /// <summary>Runs the prompt <paramref name="ids"/> (int64 [T]) into an empty cache; returns float32 logits [T, V].</summary>
    Tensor Prefill(Tensor ids, IKvCache cache);

    /// <summary>Appends <paramref name="ids"/> (int64 [k], k ≥ 1) after the cached positions; returns float32 logits [k, V].</summary>
    Tensor Decode(Tensor ids, IKvCache cache);

    /// <summary>
    /// Appends a token tree (see <see cref="Layers.BlockLayout.Tree"/>): <paramref name="ids"/> int64 [n] with
    /// <paramref name="parents"/>[j] an earlier token or −1 (the cached prefix); token j sits at position
    /// cache.Length + depth(j), attends to the prefix and its ancestors, and is stored at cache row cache.Length + j.
    /// Returns float32 logits [n, V]. Keep the accepted path with <see cref="IKvCache.KeepRows"/>.
    /// </summary>
    Tensor DecodeTree(Tensor ids, IReadOnlyList<int> parents, IKvCache cache) =>
        throw new NotSupportedException($"{Name}: token-tree decoding is not supported by this model");
}

/// <summary>Per-layer keys and values of the positions seen so far.</summary>
public interface IKvCache : IDisposable
{
    /// <summary>Number of cached positions.</summary>
    int Length { get; }

    int Capacity { get; }

    /// <summary>Drops every position at or after <paramref name="length"/> (rejected draft tokens).</summary>
    void Truncate(int length);

    /// <summary>Keeps cached rows start + rows[i] as positions start + i and drops everything after them.</summary>
    void KeepRows(int start, IReadOnlyList<int> rows) =>
        throw new NotSupportedException("This KV cache cannot keep a token tree's path");
}
