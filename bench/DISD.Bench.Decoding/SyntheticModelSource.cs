using DISD.Models;
using DISD.Testing;
using static TorchSharp.torch;

namespace DISD.Bench.Decoding;

/// <summary>
/// Random transformers: the drafter is a small model; the target is the same small model plus a large model's logits
/// scaled by <see cref="ExtraScale"/>, so the target costs about (small + large) / small drafter calls and agrees with
/// the drafter more as the scale shrinks.
/// </summary>
public sealed record SyntheticModelSource(int Vocab, int SmallWidth, int SmallLayers, int LargeWidth, int LargeLayers,
    double ExtraScale) : IModelSource
{
    public string Description =>
        $"synthetic: vocab {Vocab}, drafter w{SmallWidth}×{SmallLayers}, target = drafter + {ExtraScale}·(w{LargeWidth}×{LargeLayers})";

    public IReadOnlyList<int> Prompt { get; } = [1, 5, 9, 13, 2];

    public (ICausalLanguageModel Target, ICausalLanguageModel Drafter) Load(Device device)
    {
        var small = new RandomTransformerConfig(Vocab, SmallWidth, SmallLayers, Math.Max(1, SmallWidth / 64), 4096,
            LogitScale: 3.0, WeightSeed: 1);
        var large = new RandomTransformerConfig(Vocab, LargeWidth, LargeLayers, Math.Max(1, LargeWidth / 64), 4096,
            LogitScale: 3.0, WeightSeed: 2);
        var drafter = new RandomTransformerModel(small, device, "synthetic-drafter");
        var target = new LogitSumModel(new RandomTransformerModel(small, device, "synthetic-target-base"),
            new RandomTransformerModel(large, device, "synthetic-target-extra"), ExtraScale, "synthetic-target");
        return (target, drafter);
    }
}
