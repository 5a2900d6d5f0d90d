using DISD.Models.Kernels;
using DISD.Models.Layers;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>
/// What every decoder-only family shares: the KV cache contract, input checks, dispose scopes and the float32
/// logits hand-off. <see cref="DecoderModel"/> implements <see cref="Forward"/> (a block of new tokens after the cached
/// ones) for every family.
/// A model may be split by layers across devices (<see cref="Devices"/>): Forward moves the hidden state to each
/// layer's device and to the head's; logits come back on <see cref="Device"/>, the embedding's device.
/// </summary>
public abstract class CausalLanguageModel : ICausalLanguageModel
{
    private readonly List<Tensor> _parameters = [];
    private Tensor? _embedding;
    private Tensor? _embeddingPanels;
    private Projection? _tiedHead;
    private readonly int _kvHeads;
    private readonly int _headDim;

    protected CausalLanguageModel(
        string name, int vocabSize, IReadOnlyList<int> eosTokenIds, DeviceMap devices, ScalarType dtype, int layerCount, int kvHeads, int headDim)
    {
        Name = name;
        VocabSize = vocabSize;
        EosTokenIds = eosTokenIds;
        Devices = devices;
        Device = devices.Embedding;
        DType = dtype;
        if (devices.Layers.Count != layerCount)
        {
            throw new ArgumentException($"{name}: the device map places {devices.Layers.Count} layers, the model has {layerCount}", nameof(devices));
        }
        _kvHeads = kvHeads;
        _headDim = headDim;
    }

    public string Name { get; }

    public int VocabSize { get; }

    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>
    /// Bytes of the weights one decode step reads: all of them but an embedding table that only gives rows (one
    /// whose head is a separate tensor: an untied head, or a tied head kept as panels).
    /// </summary>
    public long WeightBytes =>
        _parameters.Sum(parameter => parameter.NumberOfElements * parameter.ElementSize)
        - (_embedding is null || ReferenceEquals(_tiedHead?.Weight, _embedding) ? 0 : EmbeddingBytes);

    private long EmbeddingBytes => _embedding!.NumberOfElements * _embedding.ElementSize;

    /// <summary>The input device (the embedding's); returned logits live here too.</summary>
    public Device Device { get; }

    public DeviceMap Devices { get; }

    /// <summary>The activation (compute) dtype.</summary>
    public ScalarType DType { get; }

    /// <summary>A cache made under inference mode, as the forward passes that write it in place run.</summary>
    public IKvCache NewCache(int maxLength)
    {
        using var inference = torch.inference_mode();
        return new KvCache(this, Devices.Layers, _kvHeads, _headDim, maxLength, DType);
    }

    public Tensor Prefill(Tensor ids, IKvCache cache)
    {
        var kv = OwnCache(cache);
        if (kv.Length != 0)
        {
            throw new InvalidOperationException($"Prefill needs an empty cache, this one holds {kv.Length} positions (use Decode, or Truncate(0) first)");
        }
        return Run(ids, kv, null);
    }

    public Tensor Decode(Tensor ids, IKvCache cache) => Run(ids, OwnCache(cache), null);

    public Tensor DecodeTree(Tensor ids, IReadOnlyList<int> parents, IKvCache cache)
    {
        var kv = OwnCache(cache);
        if (ids.dim() != 1 || ids.shape[0] != parents.Count)
            throw new ArgumentException(
                $"{Name}: a token tree needs one parent per token, got {parents.Count} parents for shape [{string.Join(", ", ids.shape)}]", nameof(parents));
        return Run(ids, kv, parents);
    }

    /// <summary>
    /// Logits [T, V] in the compute dtype for <paramref name="ids"/> laid out by <paramref name="layout"/> (positions
    /// cache.Length … cache.Length+T−1, or a token tree's), writing their keys and values into cache rows
    /// cache.Length … cache.Length+T−1 (without advancing its length).
    /// </summary>
    protected abstract Tensor Forward(Tensor ids, KvCache cache, BlockLayout layout);

    protected Device LayerDevice(int layer) => Devices.Layers[layer];

    protected static bool IsOn(Tensor tensor, Device device) => DeviceMap.Same(tensor.device, device);

    /// <summary>The hidden state on the head's device (a no-op unless the model is split).</summary>
    protected Tensor ToHead(Tensor hidden) => IsOn(hidden, Devices.Head) ? hidden : hidden.to(Devices.Head);

    /// <summary>
    /// The tied output head: the embedding itself, or its copy when the head lives on another device. Where the CPU
    /// kernel runs it is kept as panels, which then also give the embedding's rows (<see cref="Embed"/>), and the
    /// table is freed: the weights are held once.
    /// </summary>
    protected Projection TiedHeadProjection()
    {
        var table = _embedding!;
        if (PacksTiedHead(table))
        {
            // Packed (a bfloat16/float16 table, kept in the checkpoint's dtype for this, widened on the way), then freed.
            var packed = Own(PanelMatmul.Pack(table));
            _parameters.Remove(table);
            long rows = table.shape[0];
            table.Dispose();
            (_embedding, _embeddingPanels) = (null, packed);
            return _tiedHead = Projection.FromPanels(packed, rows);
        }
        return _tiedHead = ProjectionOf(IsOn(table, Devices.Head) ? table : Own(table.to(Devices.Head)), shared: true);
    }

    /// <summary>Whether a tied head made from <paramref name="table"/> becomes panels (float32 compute on the CPU, the head on the
    /// table's device), as <see cref="ProjectionOf"/> decides for the table converted to the compute dtype.</summary>
    protected bool PacksTiedHead(Tensor table) =>
        DType == ScalarType.Float32 && table.device_type == DeviceType.CPU && IsOn(table, Devices.Head) && table.dim() == 2
        && table.dtype is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>The embedding rows of <paramref name="ids"/>.</summary>
    protected Tensor Embed(Tensor ids) =>
        _embedding is { } table ? table.index_select(0, ids) : PanelMatmul.Rows(_embeddingPanels!, ids, VocabSize);

    /// <summary>
    /// A projection of weights just loaded, registered with the model. Where the CPU kernel runs the weight is
    /// replaced by its panels, and freed unless <paramref name="shared"/> (a tied head: the embedding, kept for lookups).
    /// </summary>
    protected internal Projection ProjectionOf(Tensor weight, Tensor? bias = null, bool shared = false)
    {
        if (bias is not null)
            Own(bias);
        if (!Projection.KeepsPanels(weight))
            return Projection.Dense(shared ? weight : Own(weight), bias);
        var projection = Projection.FromPanels(Own(PanelMatmul.Pack(weight)), weight.shape[0], bias);
        if (!shared)
            weight.Dispose();
        return projection;
    }

    /// <summary>Registers the input embedding table (kept unless a tied head's panels replace it), disposed with the model.</summary>
    protected void OwnEmbedding(Tensor table) => _embedding = Own(table);

    /// <summary>Registers a weight, disposed with the model.</summary>
    protected internal Tensor Own(Tensor parameter)
    {
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Takes the weights out of the dispose scope they were loaded in: the loader builds models inside a scope so a
    /// failed build frees what it had loaded, and a successful one keeps its weights for the model's lifetime.
    /// </summary>
    internal void DetachParameters()
    {
        foreach (var parameter in _parameters)
        {
            parameter.DetachFromDisposeScope();
        }
    }

    private Tensor Run(Tensor ids, KvCache cache, IReadOnlyList<int>? parents)
    {
        if (ids.dim() != 1 || ids.dtype != ScalarType.Int64 || ids.shape[0] < 1)
        {
            throw new ArgumentException(
                $"{Name}: token ids must be a non-empty int64 vector, got {ids.dtype} of shape [{string.Join(", ", ids.shape)}]", nameof(ids));
        }
        int count = (int)ids.shape[0];
        if (cache.Length + count > cache.Capacity)
        {
            throw new InvalidOperationException($"{Name}: {count} more tokens after {cache.Length} exceed the cache capacity {cache.Capacity}");
        }
        // Inference mode rather than no_grad: views and outputs then carry no autograd metadata or version counters.
        using var inference = torch.inference_mode();
        using var threads = DecodeThreads.Enter(onCpu: Devices.Layers.All(device => device.type == DeviceType.CPU) && count <= SmallBlockMatmul.MaxRows);
        using var scope = torch.NewDisposeScope();
        var layout = parents is null ? BlockLayout.Sequential(cache.Length, count) : BlockLayout.Tree(cache.Length, parents);
        var logits = Forward(IsOn(ids, Device) ? ids : ids.to(Device), cache, layout);
        cache.Advance(count);
        logits = RmsNorm.CastTo(logits, ScalarType.Float32);
        return (IsOn(logits, Device) ? logits : logits.to(Device)).MoveToOuterDisposeScope();
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
