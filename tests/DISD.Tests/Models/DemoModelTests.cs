using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>The shipped demo checkpoint (models/gemma2-wordnet-large) loads and runs in float32 and bfloat16.</summary>
public class DemoModelTests
{
    private static readonly long[] Prompt = [2, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100];

    private static Tensor PrefillLogits(ScalarType dtype)
    {
        using var model = ModelLoader.Load(ModelFixtures.DemoModelDir("large"), CPU, dtype);
        Assert.Equal(4096, model.VocabSize);
        Assert.Equal("gemma2-wordnet-large", model.Name);
        Assert.Contains(1, model.EosTokenIds);
        using var cache = model.NewCache(64);
        using var ids = torch.tensor(Prompt);
        return model.Prefill(ids, cache);
    }

    /// <summary>
    /// A decode step's weight bytes are the checkpoint's parameters once: the tied head counts as the embedding, which
    /// only gives rows (plus the few bytes of panel padding and the √hidden scale), in float32 and bfloat16 alike.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void WeightBytesCountTheTiedEmbeddingOnce(ScalarType dtype)
    {
        string dir = ModelFixtures.DemoModelDir("large");
        using var model = (CausalLanguageModel)ModelLoader.Load(dir, CPU, dtype);
        var footprint = DISD.Runtime.ModelPlacement.Footprint(dir, dtype);
        Assert.InRange(model.WeightBytes, footprint.TotalBytes, footprint.TotalBytes * 1.01);
    }

    [Fact]
    public void Float32PrefillLogitsAreFiniteAndSoftCapped()
    {
        using var logits = PrefillLogits(ScalarType.Float32);
        Assert.Equal(new long[] { Prompt.Length, 4096 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        // final_logit_softcapping 30: |logits| < 30.
        Assert.True(logits.abs().max().item<float>() < 30f);
    }

    [Fact]
    public void BFloat16LoadRunsAndStaysCloseToFloat32()
    {
        using var reference = PrefillLogits(ScalarType.Float32);
        using var logits = PrefillLogits(ScalarType.BFloat16);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        Assert.True(logits.isfinite().all().item<bool>());
        using var referenceProbabilities = reference.softmax(-1);
        using var probabilities = logits.softmax(-1);
        // Total variation distance of the next-token distributions: bf16 rounding moves them only slightly.
        using var tv = probabilities.sub(referenceProbabilities).abs().sum(-1).mul(0.5).max();
        Assert.InRange(tv.item<float>(), 0f, 0.1f);
    }
}
