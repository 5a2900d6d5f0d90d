using DISD.Runtime;

namespace DISD.Tests.Runtime;

/// <summary>The placement planner on made-up GPU inventories, with parameter sizes of real Gemma-2 configs.</summary>
public sealed class PlacementPlannerTests
{
    private const long GiB = 1L << 30;

    /// <summary>Gemma-2 bfloat16 parameter bytes per part, computed from the config as the checkpoint stores them.</summary>
    private static ModelFootprint Gemma2(string name, long hidden, int layers, long heads, long kvHeads, long headDim, long inner, long vocab = 256_000)
    {
        long layer = 2 * (hidden * heads * headDim + 2 * hidden * kvHeads * headDim + heads * headDim * hidden + 3 * hidden * inner + 4 * hidden);
        long embedding = 2 * vocab * hidden;
        return new ModelFootprint(name, embedding, Enumerable.Repeat(layer, layers).ToArray(), HeadBytes: 2 * hidden, TiedHeadBytes: embedding);
    }

    private static ModelFootprint Gemma2_2B => Gemma2("2b", 2304, 26, 8, 4, 256, 9216);

    private static ModelFootprint Gemma2_9B => Gemma2("9b", 3584, 42, 16, 8, 256, 14336);

    private static ModelFootprint Gemma2_27B => Gemma2("27b", 4608, 46, 32, 16, 128, 36864);

    private static GpuMemory Gpu(int index, double freeGiB) => new(index, (long)(freeGiB * GiB), 80 * GiB);

    /// <summary>Bytes each plan puts on each GPU, counting a tied head's copy when it is away from the embedding.</summary>
    private static Dictionary<int, long> Usage(IReadOnlyList<ModelFootprint> models, IReadOnlyList<ModelPlan> plans)
    {
        var usage = new Dictionary<int, long>();
        void Add(int gpu, long bytes) => usage[gpu] = usage.GetValueOrDefault(gpu) + bytes;
        for (int m = 0; m < models.Count; m++)
        {
            Add(plans[m].EmbeddingGpu, models[m].EmbeddingBytes);
            for (int i = 0; i < plans[m].LayerGpus.Count; i++)
            {
                Add(plans[m].LayerGpus[i], models[m].LayerBytes[i]);
            }
            Add(plans[m].HeadGpu, models[m].HeadBytes + (plans[m].HeadGpu == plans[m].EmbeddingGpu ? 0 : models[m].TiedHeadBytes));
        }
        return usage;
    }

    [Fact]
    public void FootprintsMatchThePublishedParameterCounts()
    {
        // Gemma-2 model cards: 2.61B, 9.24B and 27.2B parameters (tied embeddings), 2 bytes each in bfloat16.
        Assert.Equal(2.61e9, Gemma2_2B.TotalBytes / 2.0, 0.01e9);
        Assert.Equal(9.24e9, Gemma2_9B.TotalBytes / 2.0, 0.01e9);
        Assert.Equal(27.2e9, Gemma2_27B.TotalBytes / 2.0, 0.05e9);
    }

    [Fact]
    public void WholeModelsGoToTheGpuWithTheMostRoomLargestFirst()
    {
        ModelFootprint[] models = [Gemma2_2B, Gemma2_9B, Gemma2("2b-b", 2304, 26, 8, 4, 256, 9216)];
        GpuMemory[] gpus = [Gpu(0, 30), Gpu(1, 40)];

        var plans = PlacementPlanner.Plan(models, gpus, reserveBytes: 2 * GiB);

        // 9b (17.2 GiB) first onto cuda:1 (38 GiB room → 20.8); then 2b (4.9 GiB) onto cuda:0 (28 → 23.1); then the other 2b onto cuda:0.
        Assert.All(plans, p => Assert.False(p.IsSplit));
        Assert.Equal([0, 1, 0], plans.Select(p => p.EmbeddingGpu));
        Assert.Equal(["2b", "9b", "2b-b"], plans.Select(p => p.Name));
    }

    [Fact]
    public void AModelLargerThanAnyGpuIsSplitByLayersInOrder()
    {
        ModelFootprint[] models = [Gemma2_27B];
        GpuMemory[] gpus = [Gpu(0, 30), Gpu(1, 30), Gpu(2, 10)];

        var plan = Assert.Single(PlacementPlanner.Plan(models, gpus, reserveBytes: GiB));

        Assert.True(plan.IsSplit);
        Assert.Equal(0, plan.EmbeddingGpu);
        Assert.Equal(plan.LayerGpus.Order(), plan.LayerGpus); // later layers never go back to an earlier GPU
        Assert.Equal([0, 1], plan.LayerGpus.Distinct());
        Assert.Equal(plan.LayerGpus[^1], plan.HeadGpu);
        var usage = Usage(models, [plan]);
        Assert.All(usage, u => Assert.True(u.Value <= 29 * GiB, $"cuda:{u.Key} gets {u.Value} bytes"));
        Assert.Equal(models[0].TotalBytes + models[0].TiedHeadBytes, usage.Values.Sum()); // the head away from the embedding holds its own copy
    }

    [Fact]
    public void SplitModelsAndWholeModelsShareTheInventory()
    {
        ModelFootprint[] models = [Gemma2_27B, Gemma2_9B, Gemma2_2B];
        GpuMemory[] gpus = [Gpu(0, 40), Gpu(1, 40), Gpu(2, 20)];

        var plans = PlacementPlanner.Plan(models, gpus, reserveBytes: GiB);

        Assert.True(plans[0].IsSplit);
        Assert.False(plans[1].IsSplit);
        Assert.False(plans[2].IsSplit);
        Assert.All(Usage(models, plans), u => Assert.True(u.Value <= (gpus[u.Key].FreeBytes - GiB), $"cuda:{u.Key} over budget: {u.Value}"));
    }

    [Fact]
    public void ModelsThatDoNotFitGiveTheSizesInvolved()
    {
        var error = Assert.Throws<DisdException>(() => PlacementPlanner.Plan([Gemma2_27B], [Gpu(0, 24), Gpu(1, 24)], reserveBytes: 2 * GiB));

        Assert.Contains("out of GPU memory", error.Message);
        Assert.Contains($"27b needs {PlacementPlanner.GiB(Gemma2_27B.TotalBytes)}", error.Message);
        Assert.Contains("46 layers", error.Message);
        Assert.Contains("cuda:0 24.00 GiB", error.Message);
        Assert.Contains("2.00 GiB reserved", error.Message);
    }

    [Fact]
    public void DeviceMapsFollowThePlan()
    {
        var map = ModelPlacement.ToDeviceMap(new ModelPlan("m", 0, [0, 0, 1], 1));

        Assert.True(map.IsSplit);
        Assert.Equal(["cuda:0", "cuda:0", "cuda:1"], map.Layers.Select(d => d.ToString()));
        Assert.Equal("embedding on cuda:0, layers 0–1 on cuda:0, layers 2–2 on cuda:1, head on cuda:1", map.ToString());
    }
}
