using DISD.Couplings;
using DISD.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

public class HostRandomnessTests
{
    [Theory]
    [InlineData(0UL, 0L, RandomStream.Token, 0L)]
    [InlineData(42UL, 1000L, RandomStream.DartColumn, 123_456L)]
    [InlineData(ulong.MaxValue, long.MaxValue - 3, RandomStream.DartHeight, (1L << 32) - 700)]
    public void HostHashesEqualTheTensorOpPath(ulong seed, long firstPosition, RandomStream stream, long start)
    {
        using var host = PublicRandomness.HostHashGrid(seed, firstPosition, 3, stream, start, 700);
        using var onDevice = PublicRandomness.TensorHashGrid(seed, firstPosition, 3, stream, start, 700, CPU);
        Assert.Equal(onDevice.data<long>().ToArray(), host.data<long>().ToArray());
    }

    [Theory]
    [InlineData("gumbel")]
    [InlineData("wmh")]
    public void CachedRandomnessDrawsEqualFreshDraws(string coupling)
    {
        var kind = coupling == "gumbel" ? CouplingKind.Gumbel : CouplingKind.WeightedMinHash;
        var options = new DecodingOptions(8, Seed: 9, Coupling: kind);
        var cached = CouplingSamplers.For(options);
        using var scope = NewDisposeScope();
        var logits = randn(new long[] { 5, 301 }, generator: new Generator(3)).mul(3);
        var distributions = new TokenDistributions(logits, 1.0);
        // Warm the cache with single rows (as the drafter does), then draw the block (as the target does).
        for (var r = 0; r < 3; r++)
            cached.Draw(distributions.Slice(r, 1), 10 + r);
        var fromCache = cached.Draw(distributions, 10).data<long>().ToArray();
        var fresh = coupling == "gumbel"
            ? GumbelSampler.Sample(distributions.LogProbs, 9, 10)
            : new WeightedMinHashSampler(options.WmhDartsPerTokenPerBatch).SampleFirstBatch(distributions.Probs, 9, 10);
        Assert.Equal(fresh.data<long>().ToArray(), fromCache);
        cached.Forget(long.MaxValue);
    }
}
