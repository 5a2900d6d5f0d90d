namespace DISD.Runtime;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work by default. On a machine whose cores are busy with other
/// processes the spinning threads starve the one doing the work, and even the small demo models slow down many times
/// over. Passive waiting costs one wake-up per parallel region, nothing next to a large model's matmuls. It also
/// leaves the cores to the projection kernel's workers (<see cref="CpuWorkers"/>): after any libtorch parallel region
/// a spinning OpenMP thread keeps its core for libgomp's default spin, and a projection's second half that needs that
/// core waits for it. The measurements are in bench/RESULTS.md, section "Measurements moved from code comments".
/// The user's own setting wins. Programs call it first thing (the CLI, the benchmarks).
/// </summary>
public static class OpenMpWaitPolicy
{
    private const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the native environment unless it is set; call before libtorch loads.</summary>
    public static void DefaultToPassive() => NativeRuntime.DefaultVariable(Variable, "PASSIVE");
}
