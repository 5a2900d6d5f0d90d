using DISD.Runtime;

namespace DISD.Tests.Runtime;

/// <summary>The persistent workers behind the projection kernel (Runtime/CpuWorkers).</summary>
public class CpuWorkersTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void RunsEveryPartExactlyOnce(int parts)
    {
        for (int call = 0; call < 200; call++)
        {
            var runs = new int[parts];
            CpuWorkers.For(parts, part => Interlocked.Increment(ref runs[part]));
            Assert.All(runs, count => Assert.Equal(1, count));
        }
    }

    /// <summary>Callers on several threads at once (tests, two models in one process) each get all their parts run.</summary>
    [Fact]
    public void ConcurrentCallersEachGetTheirOwnPartsDone()
    {
        const int callers = 4, calls = 300, parts = 3;
        var totals = new long[callers];
        Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, caller =>
        {
            for (int call = 0; call < calls; call++)
            {
                var sums = new long[parts];
                CpuWorkers.For(parts, part => sums[part] = (part + 1) * (long)(call + 1));
                totals[caller] += sums.Sum();
            }
        });
        long expected = Enumerable.Range(1, calls).Sum(call => 6L * call);
        Assert.All(totals, total => Assert.Equal(expected, total));
    }

    [Fact]
    public void AWorkersExceptionReachesTheCallerAndTheWorkersStayUsable()
    {
        foreach (int failing in new[] { 0, 1 })
        {
            var error = Assert.Throws<InvalidOperationException>(() => CpuWorkers.For(2, part =>
            {
                if (part == failing)
                    throw new InvalidOperationException($"part {part} failed");
            }));
            Assert.Equal($"part {failing} failed", error.Message);
        }
        var runs = new int[2];
        CpuWorkers.For(2, part => runs[part]++);
        Assert.Equal([1, 1], runs);
    }
}
