using System.Runtime.Intrinsics.X86;

namespace DISD.Runtime;

/// <summary>
/// Pins the instruction set of libtorch's own CPU operators (norms, softmax, activations, rotary products, adds) so
/// that they compute the same bits on every machine. ATen picks its kernels once, at its first dispatch, from
/// ATEN_CPU_CAPABILITY or else from the CPU (AVX-512 where present: other vector widths, other SLEEF routines, other
/// last bits). disd asks for avx2 on every x86-64 CPU with AVX2 and FMA, AVX-512 ones included, and for the portable
/// default elsewhere; the matrix products do not go through libtorch on the CPU in float32 (Models/Kernels), so MKL,
/// which dispatches by CPU whatever ATen is told (pytorch issue 155552), plays no part. A value the user set wins.
/// </summary>
public static class LibTorchCapability
{
    public const string Variable = "ATEN_CPU_CAPABILITY";

    /// <summary>What disd asks for on this machine: "avx2" with AVX2 + FMA (as .NET reports them), else "default".</summary>
    public static string Preferred => Avx2.IsSupported && Fma.IsSupported ? "avx2" : "default";

    /// <summary>The capability libtorch was asked for in this process (after <see cref="Pin"/>).</summary>
    public static string InUse => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value.ToLowerInvariant() : Preferred;

    /// <summary>Sets ATEN_CPU_CAPABILITY in the native environment unless it is set; call before libtorch's first operator.</summary>
    public static void Pin() => NativeRuntime.DefaultVariable(Variable, Preferred);
}
