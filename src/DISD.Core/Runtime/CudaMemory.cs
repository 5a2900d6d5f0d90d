using System.Runtime.InteropServices;

namespace DISD.Runtime;

/// <summary>
/// Free and total memory of each visible GPU, from the CUDA driver API (libcuda.so.1 ships with the NVIDIA driver, so
/// this works whichever libtorch is loaded; TorchSharp has no mem_get_info). Call only after
/// <c>torch.cuda.is_available()</c> said yes: a CPU-only machine never loads the driver library.
/// </summary>
public static class CudaMemory
{
    private const string Driver = "libcuda.so.1";

    /// <summary>(free, total) bytes for cuda:0 … cuda:count−1, in CUDA's device order (CUDA_VISIBLE_DEVICES applies).</summary>
    public static IReadOnlyList<GpuMemory> Query(int count)
    {
        try
        {
            Check(cuInit(0), "cuInit");
            var result = new List<GpuMemory>(count);
            for (int ordinal = 0; ordinal < count; ordinal++)
            {
                Check(cuDeviceGet(out int device, ordinal), "cuDeviceGet");
                // The primary context is the one the CUDA runtime (and so libtorch) uses: no extra context is created.
                Check(cuDevicePrimaryCtxRetain(out nint context, device), "cuDevicePrimaryCtxRetain");
                try
                {
                    Check(cuCtxPushCurrent_v2(context), "cuCtxPushCurrent");
                    Check(cuMemGetInfo_v2(out nuint free, out nuint total), "cuMemGetInfo");
                    Check(cuCtxPopCurrent_v2(out _), "cuCtxPopCurrent");
                    result.Add(new GpuMemory(ordinal, (long)free, (long)total));
                }
                finally
                {
                    cuDevicePrimaryCtxRelease_v2(device);
                }
            }
            return result;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new DisdException($"cannot read GPU memory: {Driver} (the NVIDIA driver's CUDA library) did not load: {e.Message}");
        }
    }

    private static void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new DisdException($"cannot read GPU memory: {call} failed with CUDA error {status}");
        }
    }

#pragma warning disable SYSLIB1054 // DllImport keeps this free of unsafe code; the calls are rare.
    [DllImport(Driver)] private static extern int cuInit(uint flags);
    [DllImport(Driver)] private static extern int cuDeviceGet(out int device, int ordinal);
    [DllImport(Driver)] private static extern int cuDevicePrimaryCtxRetain(out nint context, int device);
    [DllImport(Driver)] private static extern int cuDevicePrimaryCtxRelease_v2(int device);
    [DllImport(Driver)] private static extern int cuCtxPushCurrent_v2(nint context);
    [DllImport(Driver)] private static extern int cuCtxPopCurrent_v2(out nint context);
    [DllImport(Driver)] private static extern int cuMemGetInfo_v2(out nuint free, out nuint total);
#pragma warning restore SYSLIB1054
}
