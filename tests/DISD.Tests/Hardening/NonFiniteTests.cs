using DISD.Decoding;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Hardening;

/// <summary>NaN or infinite logits (as NaN weights give) stop every decoder with a DisdException naming the model and position.</summary>
public sealed class NonFiniteTests
{
    private static readonly int[] Prompt = [2, 273, 265, 263];

    /// <summary>A demo model whose logits turn to <paramref name="value"/> from decode call <paramref name="fromCall"/> on.</summary>
    private sealed class PoisonedModel(ICausalLanguageModel inner, double value, int fromCall) : ICausalLanguageModel
    {
        private int _calls;

        public string Name => "poisoned-" + inner.Name;

        public int VocabSize => inner.VocabSize;

        public IReadOnlyList<int> EosTokenIds => [];

        public Device Device => inner.Device;

        public IKvCache NewCache(int maxLength) => inner.NewCache(maxLength);

        public Tensor Prefill(Tensor ids, IKvCache cache) => Poison(inner.Prefill(ids, cache));

        public Tensor Decode(Tensor ids, IKvCache cache) => Poison(inner.Decode(ids, cache));

        // The models return inference tensors (read-only outside inference mode), so the poisoned logits are a copy.
        private Tensor Poison(Tensor logits)
        {
            if (_calls++ < fromCall)
                return logits;
            var poisoned = logits.clone();
            poisoned.narrow(1, 7, 3).fill_(value);
            return poisoned;
        }

        public void Dispose() => inner.Dispose();
    }

    private static ICausalLanguageModel Demo(string name) => ModelLoader.Load(EmbeddedModels.PathOf(name), CPU, ScalarType.Float32);

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "infinite")]
    public void DistributionGeneratorNamesTheModelThePositionAndTheCause(double value, string cause)
    {
        using var large = Demo(EmbeddedModels.Large);
        using var small = new PoisonedModel(Demo(EmbeddedModels.Small), value, fromCall: 2);
        var error = Assert.Throws<DisdException>(() => DistributionGenerator.Run([large, small], Prompt, 4096, new DecodingOptions(5, 1.0, StopAtEos: false)));
        Assert.Contains("model poisoned-gemma2-wordnet-small", error.Message);
        Assert.Contains("generated position 2", error.Message);
        Assert.Contains(cause, error.Message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void TargetOnlyDecodingStopsAtTheFirstNonFiniteStep(double temperature)
    {
        using var target = new PoisonedModel(Demo(EmbeddedModels.Large), double.NaN, fromCall: 3);
        var error = Assert.Throws<DisdException>(() => new TargetOnlyDecoder(target, new DecodingOptions(6, temperature, StopAtEos: false)).Generate(Prompt));
        Assert.Contains("generated position 3", error.Message);
    }

    [Fact]
    public void SpeculativeDecodingNamesTheDrafterWhenItsLogitsAreNaN()
    {
        using var target = Demo(EmbeddedModels.Large);
        using var drafter = new PoisonedModel(Demo(EmbeddedModels.Small), double.NaN, fromCall: 0);
        var decoder = new SpeculativeDecoder(target, drafter, new DecodingOptions(6, 1.0, StopAtEos: false),
            new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Parse("2")));
        var error = Assert.Throws<DisdException>(() => decoder.Generate(Prompt));
        Assert.Contains("model poisoned-gemma2-wordnet-small", error.Message);
        Assert.Contains("NaN", error.Message);
    }
}
