using DISD.Decoding;

namespace DISD.Tests.Decoding;

public class AcceptanceTests
{
    [Theory]
    [InlineData(CouplingKind.Gumbel, SpeculativeMethod.Disd)]
    [InlineData(CouplingKind.WeightedMinHash, SpeculativeMethod.Disd)]
    [InlineData(CouplingKind.Gumbel, SpeculativeMethod.Standard)]
    public void ObservedAcceptanceMatchesExactPrediction(CouplingKind coupling, SpeculativeMethod method)
    {
        using var target = SyntheticModels.Target(seed: 21);
        using var drafter = target.Perturbed(0.6, 4);
        var options = new DecodingOptions(MaxNewTokens: 400, Temperature: 1.0, Seed: 17, Coupling: coupling);
        var result = new SpeculativeDecoder(target, drafter, options,
            new SpeculativeOptions(method, DraftLength.Fixed(3))).Generate(SyntheticModels.Prompt);
        var predicted = result.PredictedAcceptance!.Value;
        var compared = result.ComparedDrafts;
        // Agreement indicators minus their exact conditional probabilities form a martingale; variance ≤ n/4.
        var sigma = Math.Sqrt(compared / 4.0);
        Assert.InRange(result.AcceptedDrafts, predicted * compared - 5 * sigma, predicted * compared + 5 * sigma);
        Assert.InRange(predicted, 0.2, 0.95);
        Assert.Equal((double)result.AcceptedDrafts / result.ProposedDrafts, result.AcceptanceRate!.Value, 12);
    }

    [Fact]
    public void TargetOnlyRunHasNoDraftStatistics()
    {
        using var target = SyntheticModels.Target();
        var result = new TargetOnlyDecoder(target, new DecodingOptions(MaxNewTokens: 12)).Generate(SyntheticModels.Prompt);
        Assert.Null(result.AcceptanceRate);
        Assert.Null(result.PredictedAcceptance);
        Assert.Equal(12, result.TargetCalls);
        Assert.Equal(1.0, result.BlockEfficiency);
        Assert.Equal(0, result.DrafterCalls);
    }

    [Fact]
    public void AutoDraftLengthGrowsOnFullAcceptanceAndShrinksOnEarlyRejection()
    {
        var auto = DraftLength.Auto(4);
        Assert.Equal(5, auto.Next(4, 4, 4));
        Assert.Equal(DraftLength.MaxAuto, auto.Next(DraftLength.MaxAuto, 16, 16));
        Assert.Equal(3, auto.Next(4, 1, 4));
        Assert.Equal(1, auto.Next(1, 0, 1));
        Assert.Equal(4, auto.Next(4, 2, 4));
        Assert.Equal(4, DraftLength.Fixed(4).Next(4, 4, 4));
        Assert.True(DraftLength.Parse("auto").IsAdaptive);
        Assert.Equal(6, DraftLength.Parse("6").Initial);
        Assert.Throws<ArgumentException>(() => DraftLength.Parse("0"));
    }
}
