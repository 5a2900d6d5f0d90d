using System.Runtime.InteropServices;

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

    /// <summary>
    /// Sets <paramref name="name"/> in the C library's environment unless the user set it. .NET keeps its own copy of
    /// the environment on Unix; native libraries (OpenMP, ATen) read the C
    /// library's, so .NET's copy is set too for child processes and for reading it back.
    /// </summary>
    public static void DefaultVariable(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 })
            return;
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = SetEnv(name, value, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No glibc-compatible C library: the native default stays (the manifest's runtime block says what ran).
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);
}
