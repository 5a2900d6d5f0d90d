using DISD.Decoding;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Tests.Decoding;

/// <summary>
/// The step's finiteness flag, read in host memory on the CPU, against its definition as tensor operations: the raw
/// logits are finite and, when sampling, so is every probability of the transformed distribution.
/// </summary>
public class FiniteCheckTests
{
    public static TheoryData<string, double, int?> Cases => new()
    {
        { "normal", 1.0, null }, { "normal", 0.6, null }, { "normal", 1.0, 5 }, { "normal", 0.0, null },
        { "nan", 1.0, null }, { "nan", 0.0, null }, { "inf", 1.0, null }, { "-inf", 1.0, null }, { "-inf", 0.7, 3 },
        { "huge", 1e-38, null }, { "huge", 1e-38, 2 }, { "huge", 1.0, null }, { "tail-nan", 0.5, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HostFlagEqualsTheTensorDefinition(string values, double temperature, int? topK)
    {
        using var scope = NewDisposeScope();
        var logits = randn(new long[] { 3, 1_003 }, generator: new Generator(2));
        if (values == "nan")
            logits[1, 500] = tensor(float.NaN);
        if (values == "tail-nan")
            logits[2, 1_002] = tensor(float.NaN);
        if (values == "inf")
            logits[0, 8] = tensor(float.PositiveInfinity);
        if (values == "-inf")
            logits[2, 17] = tensor(float.NegativeInfinity);
        if (values == "huge")
            logits = logits.mul(Scalars.Of(1e30));
        var distributions = new TokenDistributions(logits, new SamplingTransform(temperature, topK));
        bool expected = logits.isfinite().all().item<bool>()
            && (temperature == 0 || distributions.Probs.isfinite().all().item<bool>());
        Assert.Equal(expected ? 1L : 0L, FiniteCheck.Flag(distributions).item<long>());
    }
}
