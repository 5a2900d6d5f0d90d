using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Feeds a prompt into an empty cache in blocks of <see cref="ChunkTokens"/> and returns only the last position's
/// logits. A whole-prompt prefill materialises attention scores [heads, T, T] and logits [T, V], so memory and time grew
/// with the square of the prompt (bench/RESULTS.md, "Measurements moved from code comments"); in blocks the scores are
/// [heads, chunk, T] and the logits [chunk, V]. A prompt of at most one block runs exactly as before.
/// </summary>
public static class PromptPrefill
{
    public const int ChunkTokens = 256;

    /// <summary>The logits row [1, V] (float32) after the last prompt token.</summary>
    public static Tensor LastLogits(ICausalLanguageModel model, IReadOnlyList<int> prompt, IKvCache cache)
    {
        PromptTensors.Require(prompt);
        using var scope = NewDisposeScope();
        Tensor? last = null;
        for (int start = 0; start < prompt.Count; start += ChunkTokens)
        {
            int count = Math.Min(ChunkTokens, prompt.Count - start);
            using var ids = PromptTensors.ToDevice(prompt.Skip(start).Take(count), model.Device);
            using var logits = start == 0 ? model.Prefill(ids, cache) : model.Decode(ids, cache);
            last?.Dispose();
            last = logits.narrow(0, logits.shape[0] - 1, 1).clone();
        }
        return last!.MoveToOuterDisposeScope();
    }
}
