using DISD.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// What every decoder-only family shares: the KV cache contract, input checks, dispose scopes and the float32
/// logits hand-off. A family implements <see cref="Forward"/> for a block of new tokens after the cached ones.
/// </summary>
public abstract class CausalLanguageModel : ICausalLanguageModel
{
    private readonly List<Tensor> _parameters = [];
    private readonly int _layerCount;
    private readonly int _kvHeads;
    private readonly int _headDim;

    protected CausalLanguageModel(string name, int vocabSize, IReadOnlyList<int> eosTokenIds, Device device, ScalarType dtype, int layerCount, int kvHeads, int headDim)
    {
        Name = name;
        VocabSize = vocabSize;
        EosTokenIds = eosTokenIds;
        Device = device;
        DType = dtype;
        _layerCount = layerCount;
        _kvHeads = kvHeads;
        _headDim = headDim;
    }

    public string Name { get; }

    public int VocabSize { get; }

    public IReadOnlyList<int> EosTokenIds { get; }

    public Device Device { get; }

    /// <summary>The activation (compute) dtype.</summary>
    public ScalarType DType { get; }

    public IKvCache NewCache(int maxLength) => new KvCache(this, _layerCount, _kvHeads, _headDim, maxLength, DType, Device);

    public Tensor Prefill(Tensor ids, IKvCache cache)
    {
        var kv = OwnCache(cache);
        if (kv.Length != 0)
        {
            throw new InvalidOperationException($"Prefill needs an empty cache, this one holds {kv.Length} positions (use Decode, or Truncate(0) first)");
        }
        return Run(ids, kv);
    }

    public Tensor Decode(Tensor ids, IKvCache cache) => Run(ids, OwnCache(cache));

    /// <summary>
    /// Logits [T, V] in the compute dtype for <paramref name="ids"/> at positions cache.Length … cache.Length+T−1, writing
    /// their keys and values into <paramref name="cache"/> (without advancing its length).
    /// </summary>
    protected abstract Tensor Forward(Tensor ids, KvCache cache);

    /// <summary>Keeps a weight alive for the model's lifetime, whatever dispose scope it was loaded in.</summary>
    protected Tensor Own(Tensor parameter)
    {
        _parameters.Add(parameter.DetachFromDisposeScope());
        return parameter;
    }

    private Tensor Run(Tensor ids, KvCache cache)
    {
        if (ids.dim() != 1 || ids.dtype != ScalarType.Int64 || ids.shape[0] < 1)
        {
            throw new ArgumentException($"{Name}: token ids must be a non-empty int64 vector, got {ids.dtype} of shape [{string.Join(", ", ids.shape)}]", nameof(ids));
        }
        int count = (int)ids.shape[0];
        if (cache.Length + count > cache.Capacity)
        {
            throw new InvalidOperationException($"{Name}: {count} more tokens after {cache.Length} exceed the cache capacity {cache.Capacity}");
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = Forward(ids.to(Device), cache);
        cache.Advance(count);
        return logits.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private KvCache OwnCache(IKvCache cache) =>
        cache is KvCache kv && ReferenceEquals(kv.Owner, this)
            ? kv
            : throw new ArgumentException($"{Name}: the cache was not created by this model's NewCache", nameof(cache));

    public void Dispose()
    {
        foreach (var parameter in _parameters.Distinct())
        {
            parameter.Dispose();
        }
        _parameters.Clear();
        DisposeExtras();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeExtras()
    {
    }
}
