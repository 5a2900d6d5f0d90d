using System.Globalization;

namespace DISD.Runtime;

/// <summary>One visible GPU: its CUDA index and memory in bytes.</summary>
public sealed record GpuMemory(int Index, long FreeBytes, long TotalBytes);

/// <summary>
/// Parameter bytes of one model at the compute dtype, by part. <paramref name="TiedHeadBytes"/> is what a tied output
/// head costs when it lands on another GPU than the embedding (a copy of the embedding); 0 for an untied head.
/// </summary>
public sealed record ModelFootprint(string Name, long EmbeddingBytes, IReadOnlyList<long> LayerBytes, long HeadBytes, long TiedHeadBytes)
{
    public long TotalBytes => EmbeddingBytes + LayerBytes.Sum() + HeadBytes;
}

/// <summary>GPU index of each part of one model (see <see cref="DeviceMap"/>).</summary>
public sealed record ModelPlan(string Name, int EmbeddingGpu, IReadOnlyList<int> LayerGpus, int HeadGpu)
{
    public bool IsSplit => LayerGpus.Append(HeadGpu).Any(gpu => gpu != EmbeddingGpu);
}

/// <summary>
/// Spreads the models of one command over GPUs by free memory. Largest model first, each whole model goes to the GPU
/// with the most room left; a model that fits no single GPU is split by layers (as transformers' device_map="auto"):
/// embedding and first layers on one GPU, later layers on the next, final norm and head on the last, filling the
/// GPUs with the most room first. <paramref name="reserveBytes"/> per GPU stays free for KV caches and activations.
/// </summary>
public static class PlacementPlanner
{
    public static IReadOnlyList<ModelPlan> Plan(IReadOnlyList<ModelFootprint> models, IReadOnlyList<GpuMemory> gpus, long reserveBytes)
    {
        if (gpus.Count == 0)
        {
            throw new DisdException("no GPU to place the models on");
        }
        var room = gpus.ToDictionary(g => g.Index, g => Math.Max(0, g.FreeBytes - reserveBytes));
        var plans = new ModelPlan?[models.Count];
        foreach (int m in Enumerable.Range(0, models.Count).OrderByDescending(m => models[m].TotalBytes))
        {
            plans[m] = PlaceWhole(models[m], room) ?? PlaceSplit(models[m], room)
                ?? throw new DisdException(OutOfMemory(models[m], models, gpus, reserveBytes));
        }
        return plans.Select(p => p!).ToArray();
    }

    private static ModelPlan? PlaceWhole(ModelFootprint model, Dictionary<int, long> room)
    {
        var (gpu, free) = room.OrderByDescending(r => r.Value).ThenBy(r => r.Key).First();
        if (model.TotalBytes > free)
        {
            return null;
        }
        room[gpu] -= model.TotalBytes;
        return new ModelPlan(model.Name, gpu, Enumerable.Repeat(gpu, model.LayerBytes.Count).ToArray(), gpu);
    }

    private static ModelPlan? PlaceSplit(ModelFootprint model, Dictionary<int, long> room)
    {
        var order = room.OrderByDescending(r => r.Value).ThenBy(r => r.Key).Select(r => r.Key).ToArray();
        var left = new Dictionary<int, long>(room);
        int current = 0;
        bool Take(long bytes)
        {
            while (current < order.Length && left[order[current]] < bytes)
            {
                current++;
            }
            if (current == order.Length)
            {
                return false;
            }
            left[order[current]] -= bytes;
            return true;
        }

        if (!Take(model.EmbeddingBytes))
        {
            return null;
        }
        int embeddingGpu = order[current];
        var layerGpus = new int[model.LayerBytes.Count];
        for (int i = 0; i < layerGpus.Length; i++)
        {
            if (!Take(model.LayerBytes[i]))
            {
                return null;
            }
            layerGpus[i] = order[current];
        }
        // The head stays after the last layer; a tied head away from the embedding needs its own copy.
        long headBytes = model.HeadBytes + (order[current] == embeddingGpu ? 0 : model.TiedHeadBytes);
        if (left[order[current]] < headBytes)
        {
            headBytes = model.HeadBytes + model.TiedHeadBytes;
            if (!Take(headBytes))
            {
                return null;
            }
        }
        else
        {
            left[order[current]] -= headBytes;
        }
        foreach (var (gpu, bytes) in left)
        {
            room[gpu] = bytes;
        }
        return new ModelPlan(model.Name, embeddingGpu, layerGpus, order[current]);
    }

    private static string OutOfMemory(ModelFootprint model, IReadOnlyList<ModelFootprint> models, IReadOnlyList<GpuMemory> gpus, long reserveBytes) =>
        $"out of GPU memory: {model.Name} needs {GiB(model.TotalBytes)} (embedding {GiB(model.EmbeddingBytes)}, "
        + $"{model.LayerBytes.Count} layers {GiB(model.LayerBytes.Sum())}, head {GiB(model.HeadBytes)}); the {models.Count} model(s) need "
        + $"{GiB(models.Sum(m => m.TotalBytes))} in all, the GPUs have free {string.Join(", ", gpus.Select(g => $"cuda:{g.Index} {GiB(g.FreeBytes)}"))} "
        + $"less {GiB(reserveBytes)} reserved on each; use fewer or smaller models, --dtype bfloat16, or more GPUs";

    public static string GiB(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB";
}
