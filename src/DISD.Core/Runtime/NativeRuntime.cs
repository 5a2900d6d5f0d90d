namespace DISD.Runtime;

/// <summary>
/// What the native environment must say before libtorch runs its first operator: passive OpenMP waiting
/// (<see cref="OpenMpWaitPolicy"/>) and a pinned kernel capability (<see cref="LibTorchCapability"/>). Every program
/// calls it first thing (the CLI, the benchmarks, the test assembly's module initializer).
/// </summary>
public static class NativeRuntime
{
    public static void Prepare()
    {
        OpenMpWaitPolicy.DefaultToPassive();
        LibTorchCapability.Pin();
    }
}
