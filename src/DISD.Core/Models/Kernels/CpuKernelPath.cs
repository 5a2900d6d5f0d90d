using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DISD.Models.Kernels;

/// <summary>The vector width the CPU kernels run with. Every path gives the same bits (see <see cref="IFloatLanes{TSelf}"/>).</summary>
public enum CpuKernelPath
{
    /// <summary>512-bit vectors (AVX-512), where .NET accelerates them.</summary>
    Avx512,

    /// <summary>256-bit vectors with hardware FMA (x86-64 with AVX2 + FMA).</summary>
    Avx2,

    /// <summary>128-bit vectors: NEON on ARM64, SSE on older x86 (FMA then in software: slow, same results).</summary>
    Portable,
}

/// <summary>Which <see cref="CpuKernelPath"/> this process uses: chosen once, from what .NET accelerates.</summary>
public static class CpuKernels
{
    /// <summary>The path of this process. The runtime's own switches choose it (e.g. DOTNET_EnableAVX512=0 gives
    /// <see cref="CpuKernelPath.Avx2"/>, DOTNET_EnableAVX2=0 <see cref="CpuKernelPath.Portable"/>).</summary>
    public static CpuKernelPath Path { get; } = Vector512.IsHardwareAccelerated ? CpuKernelPath.Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? CpuKernelPath.Avx2
        : CpuKernelPath.Portable;

    /// <summary>Whether the fused multiply-adds run in hardware (else .NET computes them exactly in software).</summary>
    public static bool HardwareFma => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>The path's name in load lines, manifests and JSON.</summary>
    public static string Name(CpuKernelPath path) => path switch
    {
        CpuKernelPath.Avx512 => "avx512",
        CpuKernelPath.Avx2 => "avx2",
        _ => HardwareFma ? "vector128" : "vector128-software-fma",
    };
}
