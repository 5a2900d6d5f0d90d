using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Gpu;

/// <summary>Wall-clock timing that waits for the device: CUDA work is asynchronous, so each measurement ends with a synchronize.</summary>
internal sealed class Timer(Device device)
{
    public void Sync()
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }

    public double Seconds(Action run)
    {
        Sync();
        var watch = Stopwatch.StartNew();
        run();
        Sync();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Median seconds of <paramref name="repeats"/> runs after one warm-up; each run in its own dispose scope.</summary>
    public double Median(int repeats, Action run)
    {
        var times = new double[repeats];
        for (int i = -1; i < repeats; i++)
        {
            using var scope = torch.NewDisposeScope();
            double seconds = Seconds(run);
            if (i >= 0)
            {
                times[i] = seconds;
            }
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
