using System.Globalization;
using DISD.Models;
using DISD.Models.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Runtime;

/// <summary>What one model of a run costs in memory: parameters at the compute dtype and the sizes behind its KV cache and logits.</summary>
public sealed record ModelMemoryShape(string Label, long WeightBytes, int Layers, int Heads, int KvHeads, int HeadDim, int Vocab)
{
    /// <summary>Reads the checkpoint's config and safetensors headers (no tensor data).</summary>
    public static ModelMemoryShape Read(string label, string checkpointDir, ScalarType dtype)
    {
        var config = ModelLoader.ReadConfig(checkpointDir);
        var shape = CoreShape.Read(config.Object("text_config") ?? config);
        long weights = ModelPlacement.Footprint(checkpointDir, dtype).TotalBytes;
        return new ModelMemoryShape(label, weights, shape.Layers, shape.Heads, shape.KvHeads, shape.HeadDim, shape.Vocab);
    }
}

/// <summary>
/// The memory a run will need, estimated from the checkpoints before anything is allocated, against what the device has
/// free: a request that cannot fit fails up front with one line instead of an allocation failure (or swapping) later.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The run's parts in bytes: parameters, KV caches, the largest transient of a forward pass, result tables on the device, and on the
    /// host.</summary>
    public sealed record Estimate(long Weights, long KvCaches, long Transient, long DeviceTables, long HostTables)
    {
        public long DeviceBytes => Weights + KvCaches + Transient + DeviceTables;
    }

    /// <param name="positions">The KV cache capacity of each model (prompt + new tokens + slack).</param>
    /// <param name="tableRows">Rows of next-token distributions kept per model (generate-distribution), 0 otherwise.</param>
    public static Estimate For(IReadOnlyList<ModelMemoryShape> models, long positions, long tableRows, ScalarType dtype)
    {
        long element = dtype == ScalarType.Float32 ? 4 : 2;
        long chunk = Math.Min(positions, Decoding.PromptPrefill.ChunkTokens);
        long weights = 0, kv = 0, transient = 0, tables = 0;
        foreach (var m in models)
        {
            weights += m.WeightBytes;
            kv += 2L * m.Layers * m.KvHeads * m.HeadDim * positions * element;
            // One prefill chunk: attention scores and their softmax [heads, chunk, positions] in float32, and the chunk's logits (compute dtype and float32).
            long scores = 2L * m.Heads * chunk * positions * 4;
            long logits = chunk * m.Vocab * (element + 4);
            transient = Math.Max(transient, scores + logits);
            tables += tableRows * m.Vocab * 4;
        }
        // Tables are read back once at the end: a flat copy and the per-row arrays.
        return new Estimate(weights, kv, transient, tables, 2 * tables);
    }

    /// <summary>Throws a <see cref="DisdException"/> when <paramref name="estimate"/> exceeds what <paramref name="device"/> (and the host) has free.</summary>
    /// <param name="whatToChange">The options that shrink the run, for the message (e.g. "lower --num-tokens").</param>
    public static void Require(Estimate estimate, Device device, string whatToChange)
    {
        long? host = HostAvailableBytes();
        bool onCpu = device.type != DeviceType.CUDA;
        long hostNeed = onCpu ? estimate.DeviceBytes + estimate.HostTables : estimate.HostTables;
        string parts =
            $"weights {GiB(estimate.Weights)}, KV caches {GiB(estimate.KvCaches)}, tables {GiB(estimate.DeviceTables + estimate.HostTables)}, forward pass "
            + $"{GiB(estimate.Transient)}";
        if (host is long available && hostNeed > available)
        {
            throw new DisdException(
                $"this run needs about {GiB(hostNeed)} of memory ({parts}) but only {GiB(available)} is available (MemAvailable in /proc/meminfo); "
                    + $"{whatToChange}");
        }
        if (!onCpu && torch.cuda.is_available())
        {
            long free = CudaMemory.Query(torch.cuda.device_count()).Sum(g => g.FreeBytes);
            if (estimate.DeviceBytes > free)
            {
                throw new DisdException(
                    $"this run needs about {GiB(estimate.DeviceBytes)} of GPU memory ({parts}) but the GPUs have {GiB(free)} free; {whatToChange}");
            }
        }
    }

    /// <summary>MemAvailable from /proc/meminfo, or null where there is none (not Linux).</summary>
    public static long? HostAvailableBytes()
    {
        const string path = "/proc/meminfo";
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                {
                    return kb * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static string GiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB");
}
