using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Runtime;

/// <summary>
/// The address of a CPU tensor's first element, for the hand-written kernels. TorchSharp 0.107 has no public
/// <c>data_ptr()</c>; its native library exports the one it uses internally (<c>THSTensor_data</c>, i.e.
/// <c>at::Tensor::data_ptr()</c>, storage offset included), which is looked up once in the copy TorchSharp loaded.
/// </summary>
public static unsafe class TensorData
{
    private static readonly delegate* unmanaged<IntPtr, IntPtr> DataOf = Resolve();

    /// <summary>Whether <see cref="Float32"/> can read <paramref name="tensor"/> in place: contiguous float32 on the CPU.</summary>
    public static bool IsHostFloat32(Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous();

    /// <summary>The elements of a contiguous float32 CPU tensor; the tensor must outlive every use of the pointer.</summary>
    public static float* Float32(Tensor tensor)
    {
        if (!tensor.is_contiguous())
            throw new ArgumentException($"expected a contiguous float32 CPU tensor, got a strided {tensor.dtype} view", nameof(tensor));
        return Float32View(tensor);
    }

    /// <summary>The elements of a contiguous float64 CPU tensor; the tensor must outlive every use of the pointer.</summary>
    public static double* Float64(Tensor tensor)
    {
        if (!tensor.is_contiguous() || tensor.device_type != DeviceType.CPU || tensor.dtype != ScalarType.Float64)
            throw new ArgumentException($"expected a contiguous float64 CPU tensor, got {tensor.dtype} on {tensor.device}", nameof(tensor));
        return (double*)DataOf(tensor.Handle);
    }

    /// <summary>The first element of a float32 CPU tensor or view, whatever its strides (the caller checks them).</summary>
    public static float* Float32View(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || tensor.dtype != ScalarType.Float32)
            throw new ArgumentException($"expected a float32 CPU tensor, got {tensor.dtype} on {tensor.device}", nameof(tensor));
        return (float*)DataOf(tensor.Handle);
    }

    private static delegate* unmanaged<IntPtr, IntPtr> Resolve()
    {
        var library = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        return (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "THSTensor_data");
    }
}
