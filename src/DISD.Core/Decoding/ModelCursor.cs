using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// A model, its KV cache, and the generated tokens not yet in the cache (<see cref="Pending"/>). Right after the
/// prefill nothing is pending and <see cref="PendingLogits"/> holds the prompt's last logits row instead.
/// </summary>
internal sealed class ModelCursor : IDisposable
{
    public ModelCursor(ICausalLanguageModel model, IReadOnlyList<int> prompt, int maxLength)
    {
        Model = model;
        Cache = model.NewCache(maxLength);
        PendingLogits = PromptPrefill.LastLogits(model, prompt, Cache);
        Calls = 1;
    }

    public ICausalLanguageModel Model { get; }

    public IKvCache Cache { get; }

    public List<long> Pending { get; } = [];

    public Tensor? PendingLogits { get; private set; }

    public int Calls { get; private set; }

    /// <summary>
    /// Feeds the pending tokens and then <paramref name="more"/> (int64 [m], may be null) and returns the logits of
    /// every position whose next token is still to be decided: the pending-logits row (if any) followed by the new rows.
    /// </summary>
    public Tensor Advance(Tensor? more)
    {
        var inputs = new List<Tensor>();
        if (Pending.Count > 0)
            inputs.Add(tensor(Pending.ToArray(), ScalarType.Int64, Model.Device));
        if (more is not null && more.shape[0] > 0)
            inputs.Add(more);
        var rows = new List<Tensor>();
        if (PendingLogits is not null)
            rows.Add(PendingLogits);
        if (inputs.Count > 0)
        {
            rows.Add(Model.Decode(inputs.Count == 1 ? inputs[0] : cat(inputs, 0), Cache));
            Calls++;
        }
        if (rows.Count == 0)
            throw new InvalidOperationException("ModelCursor: nothing to advance.");
        var result = rows.Count == 1 ? rows[0].alias() : cat(rows, 0);
        PendingLogits?.Dispose();
        PendingLogits = null;
        Pending.Clear();
        return result;
    }

    /// <summary>Keeps the first <paramref name="length"/> cached positions and marks <paramref name="pending"/> as not cached.</summary>
    public void Rollback(int length, IEnumerable<long> pending)
    {
        if (length < Cache.Length)
            Cache.Truncate(length);
        Pending.Clear();
        Pending.AddRange(pending);
    }

    public void Dispose()
    {
        PendingLogits?.Dispose();
        Cache.Dispose();
    }
}
