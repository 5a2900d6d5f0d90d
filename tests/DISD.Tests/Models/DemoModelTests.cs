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
    /// The tied embedding stays in the checkpoint's dtype until it is packed into float32 panels (the pack widens it).
    /// The bfloat16 demo model, the same weights stored as float32, and as float64 (converted before packing: the pack
    /// takes only float32, bfloat16 and float16) give the same float32 logits bit for bit.
    /// </summary>
    [Fact]
    public void TiedEmbeddingStoredInAnyFloatDtypeGivesTheSameFloat32Logits()
    {
        using var original = PrefillLogits(ScalarType.Float32);
        foreach (var stored in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            using var dir = new TempDirectory();
            string source = ModelFixtures.DemoModelDir("large");
            foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
                File.Copy(file, System.IO.Path.Combine(dir.Path, System.IO.Path.GetFileName(file)));
            using (var checkpoint = DISD.Models.Loading.SafetensorsFile.Open(System.IO.Path.Combine(source, "model.safetensors")))
            {
                var tensors = checkpoint.Tensors.Keys.Order(StringComparer.Ordinal)
                    .Select(name => (name, checkpoint.Read(name).to_type(stored))).ToList();
                DISD.Testing.SafetensorsWriter.Write(System.IO.Path.Combine(dir.Path, "model.safetensors"), tensors);
                foreach (var (_, tensor) in tensors)
                    tensor.Dispose();
            }
            using var model = ModelLoader.Load(dir.Path, CPU, ScalarType.Float32);
            using var cache = model.NewCache(64);
            using var ids = torch.tensor(Prompt);
            using var logits = model.Prefill(ids, cache);
            Assert.True(logits.eq(original).all().item<bool>(), $"stored as {stored}");
        }
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
