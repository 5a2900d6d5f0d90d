using DISD.Runtime;
using DISD.Models;
using DISD.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Testing;

/// <summary>
/// A random-weight decoder-only transformer (pre-norm attention + MLP blocks, learned positions) implementing
/// <see cref="ICausalLanguageModel"/> with a real KV cache. For tests and benchmarks of decoders: the logits at a
/// position depend on the whole prefix through the cache, so cache bugs change the output.
/// </summary>
public sealed class RandomTransformerModel : ICausalLanguageModel
{
    private readonly RandomTransformerConfig _config;
    private readonly Tensor _embedding;
    private readonly Tensor _positions;
    private readonly Tensor _output;
    private readonly IReadOnlyList<LayerWeights> _layers;

    public RandomTransformerModel(RandomTransformerConfig config, Device? device = null, string? name = null)
        : this(config, device ?? CPU, name, noise: 0, noiseSeed: 0, source: null)
    {
    }

    private RandomTransformerModel(RandomTransformerConfig config, Device device, string? name, double noise,
        long noiseSeed, RandomTransformerModel? source)
    {
        config.Validate();
        _config = config;
        Device = device;
        Name = name ?? $"random-transformer-w{config.Width}-l{config.Layers}-s{config.WeightSeed}";
        EosTokenIds = config.EosTokenIds ?? [];
        using var scope = NewDisposeScope();
        var weights = new Generator((ulong)config.WeightSeed);
        var perturbation = new Generator((ulong)noiseSeed);
        var d = config.Width;
        Tensor Make(long[] shape, double scale, Tensor? baseWeight)
        {
            using var weightScale = Scalars.Temporary(scale);
            using var noiseScale = Scalars.Temporary(scale * noise);
            var fresh = randn(shape, ScalarType.Float64, generator: weights).mul(weightScale);
            if (baseWeight is not null)
                fresh = baseWeight.cpu().to_type(ScalarType.Float64).add(
                    randn(shape, ScalarType.Float64, generator: perturbation).mul(noiseScale), Scalars.One);
            return fresh.to_type(config.DType).to(device).DetachFromDisposeScope();
        }
        _embedding = Make([config.VocabSize, d], 1.0, source?._embedding);
        _positions = Make([config.MaxPositions, d], 0.5, source?._positions);
        var layers = new List<LayerWeights>();
        for (var l = 0; l < config.Layers; l++)
        {
            var baseLayer = source?._layers[l];
            layers.Add(new LayerWeights(
                Make([d, 3 * d], 1.0 / Math.Sqrt(d), baseLayer?.QueryKeyValue),
                Make([d, d], 1.0 / Math.Sqrt(d), baseLayer?.AttentionOut),
                Make([d, 4 * d], 1.0 / Math.Sqrt(d), baseLayer?.Up),
                Make([4 * d, d], 0.5 / Math.Sqrt(4 * d), baseLayer?.Down)));
        }
        _layers = layers;
        _output = Make([d, config.VocabSize], config.LogitScale / Math.Sqrt(d), source?._output);
    }

    public string Name { get; }

    public int VocabSize => _config.VocabSize;

    public IReadOnlyList<int> EosTokenIds { get; }

    public Device Device { get; }

    public RandomTransformerConfig Config => _config;

    /// <summary>
    /// A model of the same shape whose weights are this model's plus relative Gaussian noise of size
    /// <paramref name="noise"/>: a drafter that agrees with this model more or less, as noise is small or large.
    /// </summary>
    public RandomTransformerModel Perturbed(double noise, long noiseSeed, string? name = null) =>
        new(_config, Device, name ?? $"{Name}-noise{noise}", noise, noiseSeed, this);

    public IKvCache NewCache(int maxLength) =>
        new RandomTransformerCache(_config.Layers, _config.Heads, _config.Width / _config.Heads,
            Math.Min(maxLength, _config.MaxPositions), _config.DType, Device);

    public Tensor Prefill(Tensor ids, IKvCache cache)
    {
        if (cache.Length != 0)
            throw new InvalidOperationException($"{Name}: Prefill needs an empty cache (has {cache.Length} positions).");
        return Forward(ids, cache);
    }

    public Tensor Decode(Tensor ids, IKvCache cache) => Forward(ids, cache);

    public Tensor DecodeTree(Tensor ids, IReadOnlyList<int> parents, IKvCache cache)
    {
        if (ids.dim() != 1 || ids.shape[0] != parents.Count)
            throw new ArgumentException($"{Name}: a token tree needs one parent per token.");
        return Forward(ids, cache, parents);
    }

    private Tensor Forward(Tensor ids, IKvCache cacheBase, IReadOnlyList<int>? parents = null)
    {
        if (cacheBase is not RandomTransformerCache cache)
            throw new ArgumentException($"{Name}: the cache was not made by this model type.");
        var count = (int)ids.shape[0];
        if (ids.dim() != 1 || count < 1)
            throw new ArgumentException($"{Name}: ids must be int64 [k] with k ≥ 1.");
        var start = cache.Length;
        if (start + count > cache.Capacity)
            throw new InvalidOperationException($"{Name}: cache capacity {cache.Capacity} exceeded ({start} + {count}).");
        using var scope = NewDisposeScope();
        var heads = _config.Heads;
        var headWidth = _config.Width / heads;
        var layout = parents is null ? BlockLayout.Sequential(start, count) : BlockLayout.Tree(start, parents);
        var x = _embedding.index_select(0, ids).add(PositionRows(layout), Scalars.One);
        var future = HiddenKeys(layout);
        for (var l = 0; l < _layers.Count; l++)
        {
            var layer = _layers[l];
            var qkv = RmsNorm(x).matmul(layer.QueryKeyValue).view(count, 3, heads, headWidth).permute(1, 2, 0, 3);
            var (keys, values) = cache.Append(l, start, qkv[1], qkv[2]);
            var scores = qkv[0].matmul(keys.transpose(1, 2)).div(Scalars.Of(Math.Sqrt(headWidth)));
            var attention = scores.masked_fill(future, Scalars.NegativeInfinity).softmax(-1).matmul(values);
            x = x.add(attention.permute(1, 0, 2).reshape(count, _config.Width).matmul(layer.AttentionOut), Scalars.One);
            x = x.add(nn.functional.gelu(RmsNorm(x).matmul(layer.Up)).matmul(layer.Down), Scalars.One);
        }
        cache.SetLength(start + count);
        var logits = RmsNorm(x).matmul(_output).to_type(ScalarType.Float32);
        return logits.MoveToOuterDisposeScope();
    }

    private Tensor PositionRows(BlockLayout layout)
    {
        if (!layout.IsTree)
            return _positions.narrow(0, layout.Start, layout.Count);
        var positions = Enumerable.Range(0, (int)layout.Count).Select(layout.PositionOf).ToArray();
        return _positions.index_select(0, tensor(positions, ScalarType.Int64, Device));
    }

    /// <summary>True where a query must not see a key: later positions, or, in a tree, new tokens that are not ancestors.</summary>
    private Tensor HiddenKeys(BlockLayout layout)
    {
        long start = layout.Start, count = layout.Count, keys = start + count;
        if (!layout.IsTree)
        {
            using var from = Scalars.Temporary(start);
            using var to = Scalars.Temporary(keys);
            var keyPositions = arange(Scalars.Of(0L), to, Scalars.One, device: Device).unsqueeze(0);
            var queryPositions = arange(from, to, Scalars.One, device: Device).unsqueeze(1);
            return keyPositions.gt(queryPositions);
        }
        var hidden = new bool[count * keys];
        for (var query = 0; query < count; query++)
            for (var key = start; key < keys; key++)
                hidden[query * keys + key] = !layout.IsAncestorOrSelf((int)(key - start), query);
        return tensor(hidden, [count, keys], device: Device);
    }

    /// <remarks>pow(2L) is what TorchSharp's square() computes, without the int Scalar it makes and drops.</remarks>
    private static Tensor RmsNorm(Tensor x) =>
        x.mul(x.pow(Scalars.Of(2L)).mean([-1], keepdim: true).add(Scalars.Of(1e-6), Scalars.One).rsqrt());

    public void Dispose()
    {
        _embedding.Dispose();
        _positions.Dispose();
        _output.Dispose();
        foreach (var layer in _layers)
            layer.Dispose();
    }

    private sealed record LayerWeights(Tensor QueryKeyValue, Tensor AttentionOut, Tensor Up, Tensor Down) : IDisposable
    {
        public void Dispose()
        {
            QueryKeyValue.Dispose();
            AttentionOut.Dispose();
            Up.Dispose();
            Down.Dispose();
        }
    }
}
