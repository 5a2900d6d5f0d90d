using DISD.Models;
using DISD.Models.Loading;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Gpu;

/// <summary>
/// The golden-reference check on any device: every family under fixtures/golden, float32 with TF32 off, full-forward
/// logits and step-by-step cached greedy decoding against transformers' outputs. Returns the number of failures.
/// </summary>
internal static class Golden
{
    public static int Run(string fixtures, Device device, double tolerance, TextWriter report)
    {
        torch.backends.cuda.matmul.allow_tf32 = false;
        torch.backends.cudnn.allow_tf32 = false;
        using var noGrad = torch.no_grad();
        var families = Directory.GetDirectories(fixtures).Where(d => File.Exists(Path.Combine(d, "expected.safetensors"))).Order().ToArray();
        if (families.Length == 0)
        {
            throw new DisdException($"--fixtures {fixtures}: no <family>/expected.safetensors found (expected tests/DISD.Tests/fixtures/golden)");
        }
        report.WriteLine($"| family | device | prefill max abs diff | greedy step max abs diff | greedy ids | result (tolerance {tolerance:g}) |");
        report.WriteLine("|---|---|---|---|---|---|");
        int failures = 0;
        foreach (var dir in families)
        {
            using var scope = torch.NewDisposeScope();
            using var expected = SafetensorsFile.Open(Path.Combine(dir, "expected.safetensors"));
            using var model = ModelLoader.Load(dir, device, ScalarType.Float32);
            using var cache = model.NewCache(64);
            var logits = model.Prefill(expected.Read("input_ids").to(device), cache);
            double prefillDiff = MaxAbsDiff(logits, expected.Read("logits"));

            cache.Truncate(0);
            var stepLogits = expected.Read("greedy_step_logits");
            long[] greedy = expected.Read("greedy_ids").data<long>().ToArray();
            var row = model.Prefill(expected.Read("prompt_ids").to(device), cache)[-1];
            double stepDiff = 0;
            var chosen = new List<long>();
            for (int step = 0; step < greedy.Length; step++)
            {
                stepDiff = Math.Max(stepDiff, MaxAbsDiff(row, stepLogits[step]));
                chosen.Add(row.argmax().item<long>());
                if (step + 1 < greedy.Length)
                {
                    row = model.Decode(torch.tensor(new[] { chosen[^1] }, device: device), cache)[0];
                }
            }
            bool idsMatch = chosen.SequenceEqual(greedy);
            bool pass = prefillDiff <= tolerance && stepDiff <= tolerance && idsMatch;
            failures += pass ? 0 : 1;
            if (device.type == DeviceType.CUDA)
            {
                failures += SplitRow(dir, device, expected, tolerance, report);
            }
            report.WriteLine($"| {Path.GetFileName(dir)} | {device} | {prefillDiff:0.###e+0} | {stepDiff:0.###e+0} | {(idsMatch ? "match" : "DIFFER")} | "
                + $"{(pass ? "pass" : "FAIL")} |");
        }
        if (device.type == DeviceType.CUDA)
        {
            failures += PlacedRows(families, tolerance, report);
        }
        return failures;
    }

    /// <summary><c>--device cuda</c> placement: free memory from the driver, the plan, and the placed models' logits.</summary>
    private static int PlacedRows(string[] families, double tolerance, TextWriter report)
    {
        var gpus = CudaMemory.Query(torch.cuda.device_count());
        report.WriteLine();
        report.WriteLine("GPU memory (cuMemGetInfo): " + string.Join(", ", gpus.Select(g =>
            $"cuda:{g.Index} free {PlacementPlanner.GiB(g.FreeBytes)} of {PlacementPlanner.GiB(g.TotalBytes)}")));
        report.WriteLine();
        var models = ModelPlacement.LoadAll(families, "cuda", ScalarType.Float32);
        int failures = 0;
        try
        {
            for (int i = 0; i < families.Length; i++)
            {
                using var scope = torch.NewDisposeScope();
                using var expected = SafetensorsFile.Open(Path.Combine(families[i], "expected.safetensors"));
                using var cache = models[i].NewCache(64);
                double diff = MaxAbsDiff(models[i].Prefill(expected.Read("input_ids").to(models[i].Device), cache), expected.Read("logits"));
                bool pass = diff <= tolerance;
                failures += pass ? 0 : 1;
                report.WriteLine($"placed by --device cuda: {Path.GetFileName(families[i])}: {((CausalLanguageModel)models[i]).Devices}; prefill max abs "
                    + $"diff {diff:0.###e+0}: {(pass ? "pass" : "FAIL")}");
            }
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }
        return failures;
    }

    /// <summary>
    /// The split-by-layers path across two real devices: embedding, first half of the layers and head on the GPU, the
    /// other layers (and their KV cache) on the CPU, so hidden states cross devices twice per forward pass.
    /// </summary>
    private static int SplitRow(string dir, Device gpu, SafetensorsFile expected, double tolerance, TextWriter report)
    {
        int layers = ModelLoader.ReadConfig(dir).Int("num_hidden_layers");
        var map = new DeviceMap(gpu, Enumerable.Range(0, layers).Select(i => i < layers / 2 ? gpu : CPU).ToArray(), gpu);
        using var model = ModelLoader.Load(dir, map, ScalarType.Float32);
        using var cache = model.NewCache(64);
        double diff = MaxAbsDiff(model.Prefill(expected.Read("input_ids").to(gpu), cache), expected.Read("logits"));
        bool pass = diff <= tolerance;
        report.WriteLine($"| {Path.GetFileName(dir)} | split: {map} | {diff:0.###e+0} | | | {(pass ? "pass" : "FAIL")} |");
        return pass ? 0 : 1;
    }

    private static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            return double.PositiveInfinity;
        }
        return actual.cpu().to(ScalarType.Float64).sub(expected.to(ScalarType.Float64)).abs().max().item<double>();
    }
}
