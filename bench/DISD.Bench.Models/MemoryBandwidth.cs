using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;

namespace DISD.Bench.Models;

/// <summary>
/// What the memory delivers to a streaming read: a 1 GiB float32 buffer summed with 512-bit loads, split over the
/// same threads and workers the projections use, best of 5 passes, in GB/s (10^9 bytes).
/// </summary>
internal static unsafe class MemoryBandwidth
{
    public static double Measure(int threads)
    {
        const long bytes = 1L << 30;
        float* buffer = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            new Span<float>(buffer, (int)(bytes / 4)).Fill(1f);
            var sums = new float[threads];
            double best = double.MaxValue;
            for (int pass = 0; pass < 5; pass++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                nint address = (nint)buffer;
                CpuWorkers.For(threads, part => sums[part] = Sum((float*)address + bytes / 4 / threads * part, bytes / 4 / threads));
                best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            return bytes / best / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static float Sum(float* data, long count)
    {
        Vector512<float> a = default, b = default, c = default, d = default;
        for (long i = 0; i + 64 <= count; i += 64)
        {
            a += Vector512.Load(data + i);
            b += Vector512.Load(data + i + 16);
            c += Vector512.Load(data + i + 32);
            d += Vector512.Load(data + i + 48);
        }
        return Vector512.Sum(a + b + c + d);
    }
}
