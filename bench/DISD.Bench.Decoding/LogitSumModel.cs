using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Bench.Decoding;

/// <summary>A model whose logits are <c>base + scale · extra</c>, with one cache per part.</summary>
public sealed class LogitSumModel(ICausalLanguageModel basePart, ICausalLanguageModel extraPart, double scale, string name)
    : ICausalLanguageModel
{
    public string Name => name;

    public int VocabSize => basePart.VocabSize;

    public IReadOnlyList<int> EosTokenIds => basePart.EosTokenIds;

    public Device Device => basePart.Device;

    public IKvCache NewCache(int maxLength) => new PairCache(basePart.NewCache(maxLength), extraPart.NewCache(maxLength));

    public Tensor Prefill(Tensor ids, IKvCache cache) =>
        Combine(basePart.Prefill(ids, Base(cache)), extraPart.Prefill(ids, Extra(cache)));

    public Tensor Decode(Tensor ids, IKvCache cache) =>
        Combine(basePart.Decode(ids, Base(cache)), extraPart.Decode(ids, Extra(cache)));

    public void Dispose()
    {
        basePart.Dispose();
        extraPart.Dispose();
    }

    private Tensor Combine(Tensor baseLogits, Tensor extraLogits)
    {
        using (baseLogits)
        using (extraLogits)
            return baseLogits.add(extraLogits, scale);
    }

    private static IKvCache Base(IKvCache cache) => ((PairCache)cache).Base;

    private static IKvCache Extra(IKvCache cache) => ((PairCache)cache).Extra;

    private sealed class PairCache(IKvCache basePart, IKvCache extraPart) : IKvCache
    {
        public IKvCache Base => basePart;

        public IKvCache Extra => extraPart;

        public int Length => basePart.Length;

        public int Capacity => Math.Min(basePart.Capacity, extraPart.Capacity);

        public void Truncate(int length)
        {
            basePart.Truncate(length);
            extraPart.Truncate(length);
        }

        public void Dispose()
        {
            basePart.Dispose();
            extraPart.Dispose();
        }
    }
}
