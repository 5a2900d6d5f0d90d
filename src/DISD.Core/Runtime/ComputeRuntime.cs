using DISD.Models.Kernels;
using TorchSharp;

namespace DISD.Runtime;

/// <summary>
/// What computed a run, for the load line, manifest.json and --json: the CPU kernel path, libtorch's kernel
/// capability, the intra-op threads, and in words which machines give the same bits.
/// </summary>
public sealed record ComputeRuntime(string Kernels, string LibtorchCapability, int Threads, string BitIdentical)
{
    /// <summary>What a GPU run promises (<see cref="BitIdentical"/>), for runs on any CUDA device.</summary>
    public const string SameGpuModel = "with runs on the same GPU model, libtorch and disd version; not with CPU runs";

    public static ComputeRuntime Current(string device, string dtype)
    {
        bool cpu = device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
        string capability = LibTorchCapability.InUse;
        string kernels = cpu && dtype == "float32" ? CpuKernels.Name(CpuKernels.Path) : "libtorch";
        string identical = (cpu, dtype, capability) switch
        {
            (false, _, _) => SameGpuModel,
            (true, not "float32", _) => $"{dtype} runs in libtorch (products through MKL/oneDNN, tanh/sin/cos through MKL's VML), "
                + "whose last bits depend on the CPU",
            (true, _, "avx2") => "with every x86-64 CPU with AVX2 and FMA (with or without AVX-512), any thread count, the same libtorch and disd",
            _ => $"kernels with every CPU; libtorch's own operators ran its '{capability}' capability, whose last bits may differ "
                + "from the avx2 runs of x86-64 CPUs with AVX2",
        };
        return new ComputeRuntime(kernels, capability, torch.get_num_threads(), identical);
    }

    /// <summary>A short form for the load line.</summary>
    public string Describe() => $"kernels {Kernels}, libtorch capability {LibtorchCapability}, {Threads} thread(s)";
}
