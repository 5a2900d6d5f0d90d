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
}

/// <summary>Per-layer keys and values of the positions seen so far.</summary>
public interface IKvCache : IDisposable
{
    /// <summary>Number of cached positions.</summary>
    int Length { get; }

    int Capacity { get; }

    /// <summary>Drops every position at or after <paramref name="length"/> (rejected draft tokens).</summary>
    void Truncate(int length);
}
