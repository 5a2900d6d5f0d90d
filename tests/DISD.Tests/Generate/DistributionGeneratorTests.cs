using DISD.Decoding;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Generate;

public sealed class DistributionGeneratorTests
{
    private static readonly int[] Prompt = [2, 273, 265, 263];

    /// <summary>Counts the decode calls of a model.</summary>
    private sealed class CountingModel(ICausalLanguageModel inner) : ICausalLanguageModel
    {
        public int Decodes { get; private set; }

        public string Name => inner.Name;

        public int VocabSize => inner.VocabSize;

        public IReadOnlyList<int> EosTokenIds => inner.EosTokenIds;

        public Device Device => inner.Device;

        public IKvCache NewCache(int maxLength) => inner.NewCache(maxLength);

        public Tensor Prefill(Tensor ids, IKvCache cache) => inner.Prefill(ids, cache);

        public Tensor Decode(Tensor ids, IKvCache cache)
        {
            Decodes++;
            return inner.Decode(ids, cache);
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void EachRowIsTheSoftmaxOfAFullForwardPassOverThePromptAndTheTokensBeforeIt()
    {
        using var large = new CountingModel(ModelLoader.Load(EmbeddedModels.PathOf(EmbeddedModels.Large), CPU, ScalarType.Float32));
        using var small = new CountingModel(ModelLoader.Load(EmbeddedModels.PathOf(EmbeddedModels.Small), CPU, ScalarType.Float32));
        const int steps = 5;
        var result = DistributionGenerator.Run([large, small], Prompt, 4096, new DecodingOptions(steps, 1.0, Seed: 3, StopAtEos: false));

        Assert.Equal(steps, result.TokenIds.Count);
        // No decode after the last step: its logits would never be used.
        Assert.Equal((steps - 1, steps - 1), (large.Decodes, small.Decodes));
        using var noGrad = no_grad();
        for (var m = 0; m < 2; m++)
        {
            var model = m == 0 ? large : small;
            for (var step = 0; step < steps; step++)
            {
                long[] ids = [.. Prompt.Select(id => (long)id), .. result.TokenIds.Take(step).Select(id => (long)id)];
                using var cache = model.NewCache(ids.Length);
                using var input = tensor(ids);
                using var logits = model.Prefill(input, cache);
                using var expected = logits[^1].softmax(0);
                using var actual = tensor(result.Distributions[m][step]);
                using var difference = actual.sub(expected).abs().max();
                Assert.True(difference.item<float>() < 1e-5f, $"model {m}, step {step}: max difference {difference.item<float>()}");
            }
        }
    }

    [Fact]
    public void StopAtEosEndsAtTheLargeModelsEndOfSequenceToken()
    {
        using var large = ModelLoader.Load(EmbeddedModels.PathOf(EmbeddedModels.Large), CPU, ScalarType.Float32);
        // "What is a dog?" then greedy: the demo model answers in a sentence and ends it with <eos> (id 1).
        int[] prompt = [2, 273, 265, 263, 1714, 4050];
        var full = DistributionGenerator.Run([large], prompt, 4096, new DecodingOptions(40, 0, StopAtEos: false));
        var stopped = DistributionGenerator.Run([large], prompt, 4096, new DecodingOptions(40, 0, StopAtEos: true));
        var eos = full.TokenIds.ToList().IndexOf(1);
        Assert.InRange(eos, 1, 38);
        var expected = full.TokenIds.Take(eos + 1).ToList();
        Assert.Equal(expected, stopped.TokenIds);
        Assert.Equal(expected.Count, stopped.Distributions[0].Length);
    }
}
