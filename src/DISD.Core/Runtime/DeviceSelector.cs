using TorchSharp;

namespace DISD.Runtime;

/// <summary>Turns a <c>--device</c> value (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>) into a TorchSharp device.</summary>
public static class DeviceSelector
{
    public const string Auto = "auto";

    /// <summary>The three ways to a CUDA-enabled disd (docs/run-on-gpu.md).</summary>
    public const string CudaRoutes =
        "to use a GPU: (1) build with -p:TorchBackend=cuda where the NuGet feed has TorchSharp-cuda-linux, "
        + "(2) build the bundle with scripts/gpu-bundle.sh (-p:TorchBackend=system) and run it through scripts/disd-gpu, "
        + "which puts an installed PyTorch's torch/lib on LD_LIBRARY_PATH, "
        + "or (3) build with -p:TorchBackend=system and put a self-built CUDA libtorch on LD_LIBRARY_PATH (see docs/run-on-gpu.md)";

    /// <summary><c>auto</c> is CUDA when it is available, else the CPU; <c>cuda</c> without CUDA is an error.</summary>
    /// <exception cref="DisdException">The value is not a device, or names CUDA (or a CUDA device) that is not there.</exception>
    public static torch.Device Resolve(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        try
        {
            return ResolveLoaded(device);
        }
        catch (TypeInitializationException e) when (e.TypeName == "TorchSharp.torch")
        {
            // TorchSharp found no libtorch: a TorchBackend=system build run without one on LD_LIBRARY_PATH.
            var reason = (e.InnerException?.Message ?? e.Message).Split('\n', 2)[0].Trim();
            throw new DisdException($"--device {device}: libtorch did not load ({reason}); a build without a libtorch package needs one on LD_LIBRARY_PATH: "
                + $"run it through scripts/disd-gpu (PyTorch's torch/lib, or TORCH_LIB=<libtorch>/lib); {CudaRoutes}", e);
        }
    }

    private static torch.Device ResolveLoaded(string device)
    {
        var value = device.Trim().ToLowerInvariant();
        if (value == Auto)
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (value == "cpu")
        {
            return torch.CPU;
        }

        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            return ResolveCuda(device, value);
        }

        throw new DisdException($"--device '{device}' is not a device; expected auto, cpu, cuda or cuda:N");
    }

    private static torch.Device ResolveCuda(string device, string value)
    {
        var index = 0;
        if (value.Length > "cuda".Length
            && (!int.TryParse(value.AsSpan("cuda:".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out index)))
        {
            throw new DisdException($"--device '{device}' is not a device; expected cuda:N with N a GPU index");
        }

        if (!torch.cuda.is_available())
        {
            throw new DisdException($"--device {device}: CUDA is not available; the process loaded {LoadedBackend()}; {CudaRoutes}");
        }

        var count = torch.cuda.device_count();
        if (index >= count)
        {
            throw new DisdException($"--device {device}: there is no GPU {index}; this machine has {count} (cuda:0…cuda:{count - 1})");
        }

        return new torch.Device(DeviceType.CUDA, index);
    }

    /// <summary>Which libtorch the process loaded, from the mapped libraries (Linux); for error messages.</summary>
    public static string LoadedBackend()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return "a libtorch without CUDA support or a machine without a usable GPU";
        }

        var libraries = File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var start and >= 0 ? line[start..] : "")
            .Where(path => path.Contains("libtorch", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        var cuda = libraries.FirstOrDefault(path => path.Contains("libtorch_cuda", StringComparison.Ordinal));
        if (cuda is not null)
        {
            return $"a CUDA libtorch ({cuda}) but found no usable GPU or driver";
        }

        var cpu = libraries.FirstOrDefault(path => path.Contains("libtorch_cpu", StringComparison.Ordinal));
        return cpu is not null ? $"the CPU-only libtorch ({cpu})" : "a libtorch without CUDA support";
    }
}
