using static TorchSharp.torch;

namespace DISD.Testing;

/// <summary>Shape and seed of a <see cref="RandomTransformerModel"/>.</summary>
/// <param name="LogitScale">Multiplies the output logits; larger = more peaked next-token distributions.</param>
/// <param name="EosTokenIds">End-of-sequence ids (empty: none).</param>
public sealed record RandomTransformerConfig(
    int VocabSize,
    int Width,
    int Layers,
    int Heads,
    int MaxPositions,
    double LogitScale,
    long WeightSeed,
    ScalarType DType = ScalarType.Float32,
    IReadOnlyList<int>? EosTokenIds = null)
{
    public void Validate()
    {
        if (VocabSize < 2 || Width < 1 || Layers < 0 || Heads < 1 || Width % Heads != 0 || MaxPositions < 1)
            throw new ArgumentException(
                $"RandomTransformerConfig: need vocab ≥ 2, width ≥ 1 divisible by heads ≥ 1, layers ≥ 0, max positions ≥ 1 (got {this}).");
        if (DType is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"RandomTransformerConfig: dtype must be Float32 or Float64 (got {DType}).");
    }
}
