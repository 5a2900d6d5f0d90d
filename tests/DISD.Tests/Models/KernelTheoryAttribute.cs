using DISD.Models.Kernels;

namespace DISD.Tests.Models;

/// <summary>
/// A theory about what the models compute through the hand-written CPU kernels; skipped where .NET does not
/// accelerate 512-bit vectors, since the models then multiply with libtorch (the kernels' own arithmetic is tested
/// everywhere by SmallBlockMatmulTests and AttentionKernelsTests).
/// </summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (!SmallBlockMatmul.IsSupported) Skip = "this CPU has no accelerated 512-bit vectors: the models use libtorch's products";
    }
}
