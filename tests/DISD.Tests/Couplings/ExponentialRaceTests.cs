using DISD.Couplings;

namespace DISD.Tests.Couplings;

public class ExponentialRaceTests
{
    private const int Trials = 40_000;

    public static IEnumerable<object[]> Methods => new[] { new object[] { "gumbel" }, new object[] { "wmh" } };

    [Theory]
    [MemberData(nameof(Methods))]
    public void MarginalsAreTheTwoDistributions(string method)
    {
        var (p, q) = RandomPairs.Related(new Random(31), 12, 1.5, 1.5);
        q[3] = 0;
        q = RandomPairs.Normalize(q);
        var race = new ExponentialRace(p, q);
        var rng = new CouplingRng(5);
        var countA = new int[p.Length];
        var countB = new int[p.Length];
        for (int t = 0; t < Trials; t++)
        {
            var (a, b) = method == "gumbel" ? race.NextGumbel(ref rng) : race.NextWeightedMinHash(ref rng);
            countA[a]++;
            countB[b]++;
        }
        for (int i = 0; i < p.Length; i++)
        {
            AssertBin(p[i], countA[i], $"{method} a, token {i}");
            AssertBin(q[i], countB[i], $"{method} b, token {i}");
        }
    }

    private static void AssertBin(double probability, int count, string what)
    {
        double expected = probability * Trials;
        double sigma = Math.Sqrt(Trials * probability * (1 - probability));
        Assert.True(Math.Abs(count - expected) <= 5 * sigma, $"{what}: {count} hits, expected {expected:F1} ± {sigma:F1}");
    }

    [Fact]
    public void JointLawOfGumbelMatchesNaiveSimulation()
    {
        double[] p = { 0.5, 0.3, 0.2, 0 }, q = { 0.1, 0.3, 0.4, 0.2 };
        var race = new ExponentialRace(p, q);
        var rng = new CouplingRng(6);
        var random = new Random(6);
        var raceJoint = new int[4, 4];
        var naiveJoint = new int[4, 4];
        for (int t = 0; t < Trials; t++)
        {
            var (a, b) = race.NextGumbel(ref rng);
            raceJoint[a, b]++;
            var (x, y) = BruteForce.GumbelTrial(p, q, random);
            naiveJoint[x, y]++;
        }
        for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
        {
            double rate = (raceJoint[a, b] + naiveJoint[a, b]) / (2.0 * Trials);
            double sigma = Math.Sqrt(2 * rate * (1 - rate) / Trials);
            Assert.True(Math.Abs(raceJoint[a, b] - naiveJoint[a, b]) / (double)Trials <= 5 * sigma + 1e-12,
                $"({a},{b}): race {raceJoint[a, b]} vs naive {naiveJoint[a, b]}");
        }
    }

    [Fact]
    public void JointLawOfWeightedMinHashMatchesNaiveDartThrowing()
    {
        double[] p = { 0.5, 0.3, 0.2, 0 }, q = { 0.1, 0.3, 0.4, 0.2 };
        var race = new ExponentialRace(p, q);
        var rng = new CouplingRng(7);
        var random = new Random(7);
        var raceJoint = new int[4, 4];
        var naiveJoint = new int[4, 4];
        for (int t = 0; t < Trials; t++)
        {
            var (a, b) = race.NextWeightedMinHash(ref rng);
            raceJoint[a, b]++;
            var (x, y) = BruteForce.DartTrial(p, q, random);
            naiveJoint[x, y]++;
        }
        for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
        {
            double rate = (raceJoint[a, b] + naiveJoint[a, b]) / (2.0 * Trials);
            double sigma = Math.Sqrt(2 * rate * (1 - rate) / Trials);
            Assert.True(Math.Abs(raceJoint[a, b] - naiveJoint[a, b]) / (double)Trials <= 5 * sigma + 1e-12,
                $"({a},{b}): race {raceJoint[a, b]} vs naive {naiveJoint[a, b]}");
        }
    }

    [Fact]
    public void FenwickTreeRestoresExactlyAfterRemovals()
    {
        var random = new Random(8);
        var mass = Enumerable.Range(0, 37).Select(i => i % 5 == 0 ? 0 : random.NextDouble()).ToArray();
        var tree = new MassFenwickTree(mass);
        var fresh = new MassFenwickTree(mass);
        var targets = Enumerable.Range(0, 200).Select(_ => random.NextDouble() * tree.Total).ToArray();
        for (int round = 0; round < 50; round++)
        {
            for (int k = 0; k < 10; k++)
            {
                int i = tree.Find(random.NextDouble() * tree.Total * 0.5);
                if (i >= 0) tree.Remove(i);
            }
            tree.RestoreAll();
        }
        Assert.Equal(0, tree.RemovedCount);
        foreach (double target in targets)
            Assert.Equal(fresh.Find(target), tree.Find(target));
    }

    [Fact]
    public void FenwickTreeFindsByCumulativeMassAndSkipsRemovedAndEmptyEntries()
    {
        var tree = new MassFenwickTree(new[] { 0.25, 0, 0.5, 0.25 });
        Assert.Equal(0, tree.Find(0.1));
        Assert.Equal(2, tree.Find(0.25));
        Assert.Equal(2, tree.Find(0.7));
        Assert.Equal(3, tree.Find(0.8));
        tree.Remove(2);
        Assert.Equal(3, tree.Find(0.3));
        Assert.Equal(-1, tree.Find(0.6));
        Assert.Equal(3, tree.PositiveCount);
    }
}
