using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DISD.Tests.Generate;

/// <summary>The test process runs libtorch as the disd executable does: OpenMP threads wait passively (see
/// <see cref="DISD.Runtime.OpenMpWaitPolicy"/>), which keeps the model tests fast on a busy machine.</summary>
internal static class OpenMpSetup
{
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Must run before libtorch loads.")]
    internal static void PassiveOpenMpThreads() => DISD.Runtime.NativeRuntime.Prepare();
}

public sealed class OpenMpWaitPolicyTests
{
    [DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr NativeGetEnv(string name);

    [Fact]
    public void TheNativeEnvironmentAsksForPassiveWaitingUnlessTheUserChose()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        DISD.Runtime.NativeRuntime.Prepare();
        var expected = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } chosen ? chosen : "PASSIVE";
        Assert.Equal(expected, Marshal.PtrToStringUTF8(NativeGetEnv("OMP_WAIT_POLICY")));
    }
}
