using DISD.Runtime;
using TorchSharp;

namespace DISD.Tests.Runtime;

/// <summary>
/// <see cref="DecodeThreads"/> lowers libtorch's thread count for the duration of CPU steps and restores it, also when
/// steps of two threads interleave. libtorch's count is process-wide (at::set_num_threads), so the tests that change it
/// share one collection and never run beside each other.
/// </summary>
[Collection(LibTorchThreadCount.Name)]
public class DecodeThreadsTests
{
    [Fact]
    public void AStepRunsLibtorchOnOneThreadAndGivesTheProjectionsTheCountItFound()
    {
        using var _ = new LibTorchThreadCount(2);
        using (DecodeThreads.Enter(onCpu: true))
        {
            Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(2, DecodeThreads.ForProjections);
            using (DecodeThreads.Enter(onCpu: true))
                Assert.Equal(2, DecodeThreads.ForProjections);
            Assert.Equal(1, torch.get_num_threads());
        }
        Assert.Equal(2, torch.get_num_threads());
        using (DecodeThreads.Enter(onCpu: false))
            Assert.Equal(2, torch.get_num_threads());
    }

    /// <summary>A enters, B enters, A leaves while B is inside, B leaves: libtorch stays at 1 until the last step ends,
    /// then is back at its count, and B's projections keep the count the first step found.</summary>
    [Fact]
    public void InterleavedStepsOfTwoThreadsRestoreTheCountOnlyAfterTheLast()
    {
        using var _ = new LibTorchThreadCount(2);
        using var aInside = new ManualResetEventSlim();
        using var bInside = new ManualResetEventSlim();
        using var aLeft = new ManualResetEventSlim();
        int countWhileBAlone = 0, bProjections = 0;
        var a = new Thread(() =>
        {
            using (DecodeThreads.Enter(onCpu: true))
            {
                aInside.Set();
                bInside.Wait();
            }
            aLeft.Set();
        });
        var b = new Thread(() =>
        {
            aInside.Wait();
            using (DecodeThreads.Enter(onCpu: true))
            {
                bInside.Set();
                aLeft.Wait();
                countWhileBAlone = torch.get_num_threads();
                bProjections = DecodeThreads.ForProjections;
            }
        });
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.Equal(1, countWhileBAlone);
        Assert.Equal(2, bProjections);
        Assert.Equal(2, torch.get_num_threads());
    }
}

/// <summary>Sets libtorch's thread count for a test and restores it.</summary>
internal sealed class LibTorchThreadCount : IDisposable
{
    public const string Name = "libtorch thread count";
    private readonly int _before = torch.get_num_threads();

    public LibTorchThreadCount(int threads) => torch.set_num_threads(threads);

    public void Dispose() => torch.set_num_threads(_before);
}

[CollectionDefinition(LibTorchThreadCount.Name, DisableParallelization = true)]
public sealed class LibTorchThreadCountCollection;
