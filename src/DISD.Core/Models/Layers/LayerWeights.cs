using DISD.Models.Loading;

namespace DISD.Models.Layers;

/// <summary>
/// The weights of decoder layer <see cref="Index"/> (checkpoint names <c>layers.{index}.…</c>), loaded for a family's
/// layer by their transformers names and registered with the model being built, which disposes them.
/// </summary>
internal sealed class LayerWeights(CausalLanguageModel model, ModelWeights weights, int index, RmsNormStyle normStyle, double normEps)
{
    private readonly string _prefix = $"layers.{index}.";

    /// <summary>The layer's place in the stack, which is also its layer of the KV cache (transformers' layer_idx).</summary>
    public int Index { get; } = index;

    /// <summary>The RMSNorm <paramref name="name"/> over <paramref name="size"/> features, in the family's style.</summary>
    public NormLayer Norm(string name, long size) =>
        new(model.Own(NormLayer.LoadWeight(weights, _prefix + name + ".weight", size, normStyle)), normEps, normStyle);

    /// <summary><paramref name="name"/>.weight [rows, columns], and <paramref name="name"/>.bias [rows] when <paramref name="bias"/>.</summary>
    public Projection Linear(string name, long rows, long columns, bool bias = false) =>
        model.ProjectionOf(weights.Load(_prefix + name + ".weight", rows, columns), bias ? weights.Load(_prefix + name + ".bias", rows) : null);

    /// <summary>
    /// Projections of the same input fused into one, their rows stacked in the order given (q/k/v, gate/up), so that
    /// one product computes them all; with their biases fused the same way when <paramref name="bias"/>.
    /// </summary>
    public Projection Fused(long columns, bool bias, params (string Name, long Rows)[] parts) =>
        model.ProjectionOf(
            weights.LoadConcatenated([.. parts.Select(part => (_prefix + part.Name + ".weight", new[] { part.Rows, columns }))]),
            bias ? weights.LoadConcatenated([.. parts.Select(part => (_prefix + part.Name + ".bias", new[] { part.Rows }))]) : null);
}
