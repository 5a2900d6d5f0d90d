using DISD.Couplings;

namespace DISD.Tests.Couplings;

public class ExactAgreementTests
{
    public static IEnumerable<object[]> Sizes => new[] { new object[] { 2 }, new object[] { 7 }, new object[] { 60 }, new object[] { 300 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GumbelMatchesQuadraticReference(int size)
    {
        foreach (var (p, q) in RandomPairs.Mixed(seed: size, count: 30, size))
            Assert.Equal(BruteForce.GumbelExact(p, q), ExactAgreement.Gumbel(p, q), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void WeightedMinHashMatchesFirstDartDecomposition(int size)
    {
        foreach (var (p, q) in RandomPairs.Mixed(seed: 100 + size, count: 30, size))
            Assert.Equal(BruteForce.WeightedMinHashExact(p, q), ExactAgreement.WeightedMinHash(p, q), 1e-12);
    }

    [Fact]
    public void GumbelFormulaMatchesNaiveSimulation()
    {
        var random = new Random(7);
        foreach (var (p, q) in RandomPairs.Mixed(seed: 11, count: 4, size: 6))
        {
            const int trials = 60_000;
            int agree = 0;
            for (int t = 0; t < trials; t++)
            {
                var (a, b) = BruteForce.GumbelTrial(p, q, random);
                if (a == b) agree++;
            }
            double exact = ExactAgreement.Gumbel(p, q);
            Assert.InRange((double)agree / trials - exact, -5 * BruteForce.Sigma(exact, trials) - 1e-9, 5 * BruteForce.Sigma(exact, trials) + 1e-9);
        }
    }

    [Fact]
    public void WeightedMinHashFormulaMatchesNaiveDartThrowing()
    {
        var random = new Random(8);
        foreach (var (p, q) in RandomPairs.Mixed(seed: 12, count: 4, size: 6))
        {
            const int trials = 60_000;
            int agree = 0;
            for (int t = 0; t < trials; t++)
            {
                var (a, b) = BruteForce.DartTrial(p, q, random);
                if (a == b) agree++;
            }
            double exact = ExactAgreement.WeightedMinHash(p, q);
            Assert.InRange((double)agree / trials - exact, -5 * BruteForce.Sigma(exact, trials) - 1e-9, 5 * BruteForce.Sigma(exact, trials) + 1e-9);
        }
    }

    [Fact]
    public void IdenticalDistributionsAlwaysAgree()
    {
        var p = RandomPairs.Softmax(new Random(3), 50, 2);
        Assert.Equal(1.0, ExactAgreement.Gumbel(p, p), 1e-12);
        Assert.Equal(1.0, ExactAgreement.WeightedMinHash(p, p), 1e-12);
    }

    [Fact]
    public void DisjointSupportsNeverAgree()
    {
        double[] p = { 0.5, 0.5, 0, 0 };
        double[] q = { 0, 0, 0.25, 0.75 };
        Assert.Equal(0.0, ExactAgreement.Gumbel(p, q));
        Assert.Equal(0.0, ExactAgreement.WeightedMinHash(p, q));
    }

    [Fact]
    public void TwoTokenClosedForms()
    {
        // p = (1/2, 1/2), q = (1, 0): only token 0 can agree; Gumbel: 1/(1 + max(1, 0)) = 1/2; WMH: D = 1/2, min_0 = 1/2,
        // |p_0 − q_0| = 1/2 ⇒ (1/2)(3/2)/(3/2) = 1/2.
        double[] p = { 0.5, 0.5 };
        double[] q = { 1, 0 };
        Assert.Equal(0.5, ExactAgreement.Gumbel(p, q), 1e-15);
        Assert.Equal(0.5, ExactAgreement.WeightedMinHash(p, q), 1e-15);
    }

    [Fact]
    public void OrderingOfCouplingsAndBoundsHoldsOnManyPairs()
    {
        int checkedPairs = 0;
        foreach (int size in new[] { 2, 3, 10, 100 })
        {
            foreach (var (p, q) in RandomPairs.Mixed(seed: 1000 + size, count: 60, size))
            {
                double dtv = TotalVariation.Distance(p, q);
                double gumbel = ExactAgreement.Gumbel(p, q), wmh = ExactAgreement.WeightedMinHash(p, q);
                Assert.True(CouplingBounds.Lower(dtv) <= wmh + 1e-12, $"lower {CouplingBounds.Lower(dtv)} > wmh {wmh}");
                Assert.True(wmh <= gumbel + 1e-12, $"wmh {wmh} > gumbel {gumbel}");
                Assert.True(gumbel <= CouplingBounds.Upper(dtv) + 1e-12, $"gumbel {gumbel} > upper {CouplingBounds.Upper(dtv)}");
                checkedPairs++;
            }
        }
        Assert.Equal(240, checkedPairs);
    }

    [Fact]
    public void RejectsMismatchedOrInvalidInput()
    {
        Assert.Throws<ArgumentException>(() => ExactAgreement.Gumbel(new[] { 0.5, 0.5 }, new[] { 1.0 }));
        Assert.Throws<ArgumentException>(() => ExactAgreement.WeightedMinHash(new[] { 1.5, -0.5 }, new[] { 0.5, 0.5 }));
        Assert.Throws<ArgumentException>(() => ExactAgreement.Gumbel(new[] { double.NaN, 1 }, new[] { 0.5, 0.5 }));
    }
}
