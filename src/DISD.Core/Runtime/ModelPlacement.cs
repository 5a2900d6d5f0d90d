using System.Globalization;
using System.Text.RegularExpressions;
using DISD.Models;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Runtime;

/// <summary>
/// Loads the models of one command onto devices for a <c>--device</c> value: <c>cpu</c> and <c>cuda:N</c> pin every
/// model there; <c>cuda</c> (and <c>auto</c> on a CUDA machine) spreads them over the visible GPUs by free memory,
/// splitting by layers a model that fits no single GPU (<see cref="PlacementPlanner"/>).
/// </summary>
public static partial class ModelPlacement
{
    /// <summary>Default room left free on each GPU for KV caches, activations and the dense coupling engine.</summary>
    public const long DefaultReserveBytes = 2L << 30;

    public static IReadOnlyList<ICausalLanguageModel> LoadAll(
        IReadOnlyList<string> checkpointDirs, string deviceOption, ScalarType dtype, long reserveBytes = DefaultReserveBytes)
    {
        var maps = PlanDevices(checkpointDirs, deviceOption, dtype, reserveBytes);
        var models = new List<ICausalLanguageModel>();
        try
        {
            for (int i = 0; i < checkpointDirs.Count; i++)
            {
                models.Add(Load(checkpointDirs[i], maps[i], dtype));
            }
            return models;
        }
        catch
        {
            models.ForEach(m => m.Dispose());
            throw;
        }
    }

    /// <summary>The device map of each checkpoint, in order.</summary>
    public static IReadOnlyList<DeviceMap> PlanDevices(IReadOnlyList<string> checkpointDirs, string deviceOption, ScalarType dtype, long reserveBytes)
    {
        var device = DeviceSelector.Resolve(deviceOption);
        var footprints = checkpointDirs.Select(dir => Footprint(dir, dtype)).ToArray();
        bool pinned = device.type != DeviceType.CUDA || deviceOption.Contains(':', StringComparison.Ordinal);
        if (pinned)
        {
            return footprints.Select(f => DeviceMap.Single(device, f.LayerBytes.Count)).ToArray();
        }
        var gpus = CudaMemory.Query(torch.cuda.device_count());
        return PlacementPlanner.Plan(footprints, gpus, reserveBytes).Select(ToDeviceMap).ToArray();
    }

    public static DeviceMap ToDeviceMap(ModelPlan plan)
    {
        static Device Gpu(int index) => new(DeviceType.CUDA, index);
        return new DeviceMap(Gpu(plan.EmbeddingGpu), plan.LayerGpus.Select(Gpu).ToArray(), Gpu(plan.HeadGpu));
    }

    /// <summary>Parameter bytes by part at the compute dtype, from the checkpoint's tensor shapes (no data is read).</summary>
    public static ModelFootprint Footprint(string checkpointDir, ScalarType dtype)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(checkpointDir);
        int elementSize = dtype switch { ScalarType.Float32 => 4, ScalarType.BFloat16 or ScalarType.Float16 => 2, _ => 8 };
        long embedding = 0, head = 0;
        bool hasLmHead = false;
        var layers = new SortedDictionary<int, long>();
        foreach (var name in checkpoint.TensorNames)
        {
            if (name.Contains("vision", StringComparison.Ordinal) || name.Contains("multi_modal", StringComparison.Ordinal))
            {
                continue;
            }
            var entry = checkpoint.Entry(name);
            long bytes = entry.Shape.Aggregate(1L, (a, b) => a * b) * elementSize;
            if (LayerName().Match(name) is { Success: true } match)
            {
                if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int layer)
                    || layer >= Models.Config.ConfigLimits.MaxLayers)
                {
                    throw new DisdException($"{checkpointDir}: tensor '{name}' names layer {match.Groups[1].Value}, past the limit of "
                        + $"{Models.Config.ConfigLimits.MaxLayers} layers; corrupt checkpoint?");
                }
                layers[layer] = layers.GetValueOrDefault(layer) + bytes;
            }
            else if (name.Contains("embed_tokens.", StringComparison.Ordinal))
            {
                embedding += bytes;
            }
            else
            {
                hasLmHead |= name.EndsWith("lm_head.weight", StringComparison.Ordinal);
                head += bytes;
            }
        }
        var layerBytes = Enumerable.Range(0, layers.Count == 0 ? 0 : layers.Keys.Max() + 1).Select(i => layers.GetValueOrDefault(i)).ToArray();
        string name0 = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDir)));
        return new ModelFootprint(name0, embedding, layerBytes, head, hasLmHead ? 0 : embedding);
    }

    /// <summary>Loads one model on its planned devices; a torch out-of-memory becomes a DisdException with the sizes.</summary>
    public static ICausalLanguageModel Load(string checkpointDir, DeviceMap map, ScalarType dtype)
    {
        try
        {
            // A model on one device loads through the plain path, which checks the tensors against the config first.
            return map.IsSplit ? ModelLoader.Load(checkpointDir, map, dtype) : ModelLoader.Load(checkpointDir, map.Embedding, dtype);
        }
        catch (Exception e) when (e is not DisdException && e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
        {
            var footprint = Footprint(checkpointDir, dtype);
            throw new DisdException(
                $"out of GPU memory loading {checkpointDir} ({PlacementPlanner.GiB(footprint.TotalBytes)} of {dtype} parameters; {map}): "
                + $"{FirstLine(e.Message)}; use --device cuda to spread the models over all GPUs, fewer models, or --dtype bfloat16", e);
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"(?:^|\.)layers\.(\d+)\.")]
    private static partial Regex LayerName();
}
