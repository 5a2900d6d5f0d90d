using DISD.Couplings;
using DISD.Decoding;
using DISD.Testing;
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

    /// <summary>The CPU's float64 uniforms (8 hashes per vector, the vocabulary split over workers) equal the scalar
    /// reference for every token, at vocabulary sizes around the vector width and above the split.</summary>
    [Theory]
    [InlineData(1, 3UL, 0L)]
    [InlineData(7, 3UL, 5L)]
    [InlineData(9, ulong.MaxValue, long.MaxValue - 2)]
    [InlineData(70_001, 11UL, 1234L)]
    public void HostUniformsEqualTheScalarReference(int vocab, ulong seed, long firstPosition)
    {
        using var uniforms = PublicRandomness.UniformsForPositions(seed, firstPosition, 2, vocab, CPU);
        var values = uniforms.data<double>().ToArray();
        for (int r = 0; r < 2; r++)
            for (int i = 0; i < vocab; i++)
                Assert.Equal(PublicRandomnessReference.UniformScalar(seed, firstPosition + r, i), values[r * vocab + i]);
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
