using DISD.Decoding;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Hardening;

/// <summary>A prompt fed in blocks gives the same next-token logits as one whole-prompt prefill.</summary>
public sealed class PromptPrefillTests
{
    [Fact]
    public void ChunkedPrefillMatchesTheWholePromptPrefill()
    {
        using var model = ModelLoader.Load(EmbeddedModels.PathOf(EmbeddedModels.Large), CPU, ScalarType.Float32);
        var random = new Random(5);
        var prompt = Enumerable.Range(0, 2 * PromptPrefill.ChunkTokens + 37).Select(_ => random.Next(4, 4096)).ToArray();
        using var wholeCache = model.NewCache(prompt.Length);
        using var whole = model.Prefill(tensor(prompt.Select(id => (long)id).ToArray()), wholeCache);
        using var expected = whole.narrow(0, prompt.Length - 1, 1);
        using var chunkedCache = model.NewCache(prompt.Length);
        using var actual = PromptPrefill.LastLogits(model, prompt, chunkedCache);

        Assert.Equal(prompt.Length, chunkedCache.Length);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"max difference {(actual - expected).abs().max().item<float>()}");
    }
}
