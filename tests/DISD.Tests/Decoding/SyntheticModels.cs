using DISD.Testing;
using TorchSharp;

namespace DISD.Tests.Decoding;

/// <summary>Tiny random transformers in float64, so that one- and many-token decodes round to the same float32 logits.</summary>
internal static class SyntheticModels
{
    public const int Vocab = 24;

    public static RandomTransformerModel Target(long seed = 1, IReadOnlyList<int>? eos = null, int layers = 2) =>
        new(Config(seed, layers, eos), name: $"target-{seed}");

    public static RandomTransformerModel Drafter(long seed) => new(Config(seed, 1, null) with { Width = 8 }, name: $"drafter-{seed}");

    public static RandomTransformerConfig Config(long seed, int layers, IReadOnlyList<int>? eos) =>
        new(Vocab, Width: 16, Layers: layers, Heads: 2, MaxPositions: 512, LogitScale: 2.5, WeightSeed: seed,
            DType: torch.ScalarType.Float64, EosTokenIds: eos);

    public static readonly int[] Prompt = [3, 17, 5];
}
