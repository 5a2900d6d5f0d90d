namespace DISD.Runtime;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work by default. On a machine whose cores are busy with other
/// processes the spinning threads starve the one doing the work: the demo models then run 10–20× slower (measured on
/// 2 loaded cores: 32 steps of the demo trio 10.6 s spinning, 0.55 s passive). Passive waiting costs a few
/// microseconds per parallel region, nothing next to a large model's matmuls. It also leaves the cores to the
/// projection kernel's workers (<see cref="CpuWorkers"/>): after any libtorch parallel region a spinning OpenMP thread
/// held the core for about 3 ms (libgomp's default spin), and the 158.6M shape's projections alone took 13.4 ms instead
/// of 11.3 ms for one row and 29–35 ms instead of 19 ms for five (2 threads). The user's own setting wins. Programs
/// call it first thing (the CLI, the benchmarks).
/// </summary>
public static class OpenMpWaitPolicy
{
    private const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the native environment unless it is set; call before libtorch loads.</summary>
    public static void DefaultToPassive() => NativeRuntime.DefaultVariable(Variable, "PASSIVE");
}
