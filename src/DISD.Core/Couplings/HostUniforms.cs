using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// The float64 uniforms of <see cref="PublicRandomness.UniformsForPositions"/> on the CPU, written straight into the
/// result tensor: the hash of 8 indices at a time in 256-bit integer vectors and the vocabulary split over the
/// <see cref="CpuWorkers"/>. The hash is exact 32-bit integer arithmetic and (h + ½)·2⁻³² is exact in float64, so the
/// values are those of the scalar reference (PublicRandomnessReference.UniformScalar, tests) on every path. Before, a
/// position of a 262,144-token vocabulary went through a uint array, a double array and a copy into a tensor.
/// </summary>
internal static unsafe class HostUniforms
{
    public static Tensor Rows(ulong seed, long firstPosition, int rows, RandomStream stream, int vocab)
    {
        var result = empty(rows, vocab, ScalarType.Float64);
        double* data = TensorData.Float64(result);
        int parts = HostGumbel.Parts(vocab);
        for (int r = 0; r < rows; r++)
        {
            var keys = PublicRandomness.PositionKeys(seed, firstPosition + r, stream);
            double* row = data + (long)r * vocab;
            CpuWorkers.For(parts, part =>
            {
                var (start, end) = CpuWorkers.Slice(vocab, part, parts);
                Fill(row + start, keys, (uint)start, end - start);
            });
        }
        GC.KeepAlive(result);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(double* destination, (uint A, uint B, uint C) keys, uint firstIndex, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            uint* hashes = stackalloc uint[8];
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(firstIndex);
            var step = Vector256.Create(8u);
            for (; i + 8 <= count; i += 8, index += step)
            {
                PublicRandomness.Hash(keys, index).Store(hashes);
                for (int j = 0; j < 8; j++)
                    destination[i + j] = (hashes[j] + 0.5) * PublicRandomness.TwoToMinus32;
            }
        }
        for (; i < count; i++)
            destination[i] = (PublicRandomness.Hash(keys, firstIndex + (uint)i) + 0.5) * PublicRandomness.TwoToMinus32;
    }
}
