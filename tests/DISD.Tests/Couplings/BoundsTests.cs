using DISD.Couplings;

namespace DISD.Tests.Couplings;

public class BoundsTests
{
    [Fact]
    public void TotalVariationOfKnownPairs()
    {
        Assert.Equal(0.0, TotalVariation.Distance(new[] { 0.2, 0.8 }, new[] { 0.2, 0.8 }), 1e-15);
        Assert.Equal(1.0, TotalVariation.Distance(new[] { 1.0, 0 }, new[] { 0, 1.0 }), 1e-15);
        Assert.Equal(0.3, TotalVariation.Distance(new[] { 0.5, 0.5, 0 }, new[] { 0.2, 0.5, 0.3 }), 1e-15);
        Assert.Equal(0.5, TotalVariation.Distance(new[] { 0.25, 0.25, 0.25, 0.25 }, new[] { 0.5, 0.5, 0, 0 }), 1e-15);
    }

    [Fact]
    public void TotalVariationOfIdenticalRowsThatSumJustOverOneIsZeroNotNegative()
    {
        double[] row = [0.3, 0.7000002];
        var d = TotalVariation.Distance(row, row);
        Assert.Equal(0.0, d);
        Assert.Equal(1.0, CouplingBounds.Upper(d));
        Assert.Equal(1.0, CouplingBounds.Lower(d));
    }

    [Fact]
    public void TotalVariationIsHalfTheL1Distance()
    {
        foreach (var (p, q) in RandomPairs.Mixed(seed: 5, count: 20, size: 40))
        {
            double halfL1 = 0.5 * p.Zip(q, (x, y) => Math.Abs(x - y)).Sum();
            Assert.Equal(halfL1, TotalVariation.Distance(p, q), 1e-12);
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, 1.0)]
    [InlineData(1.0, 0.0, 0.0)]
    [InlineData(0.5, 0.5, 1.0 / 3)]
    [InlineData(0.2, 0.8, 0.8 / 1.2)]
    public void UpperAndLowerBounds(double dtv, double upper, double lower)
    {
        Assert.Equal(upper, CouplingBounds.Upper(dtv), 1e-15);
        Assert.Equal(lower, CouplingBounds.Lower(dtv), 1e-15);
    }

    [Fact]
    public void TightLowerBoundByHand()
    {
        // min = (0.2, 0.5, 0), max = (0.5, 0.5, 0.3), Σmax = 1.3:
        // 0.2/(0.2 + 1.3 − 0.5) + 0.5/(0.5 + 1.3 − 0.5) + 0 = 0.2 + 0.5/1.3.
        double[] p = { 0.5, 0.5, 0 };
        double[] q = { 0.2, 0.5, 0.3 };
        Assert.Equal(0.2 + 0.5 / 1.3, CouplingBounds.TightLower(p, q), 1e-15);
        Assert.Equal(1.0, CouplingBounds.TightLower(p, p), 1e-12);
        Assert.Equal(0.0, CouplingBounds.TightLower(new[] { 1.0, 0 }, new[] { 0, 1.0 }));
    }
}
