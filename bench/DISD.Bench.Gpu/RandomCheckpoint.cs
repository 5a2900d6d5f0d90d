using DISD.Models.Loading;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Gpu;

/// <summary>Writes a bfloat16 random-weight Gemma-2 checkpoint (config.json + model.safetensors) for a <see cref="BenchConfig"/>.</summary>
internal static class RandomCheckpoint
{
    public static string Write(BenchConfig config, string directory, Device generateOn, long seed = 0)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ConfigJson());
        string weights = Path.Combine(directory, SafetensorsCheckpoint.SingleFileName);
        var specs = Specs(config);
        if (File.Exists(weights) && Matches(weights, specs))
        {
            return directory; // already written by an earlier run with this config
        }
        var generator = new Generator((ulong)seed, generateOn);
        // Norm weights stay 0 (Gemma's 1 + w = 1); matrices get std 0.02 as transformers' initializer_range.
        SafetensorsWriter.Write(weights, specs, spec => spec.Name.EndsWith("norm.weight", StringComparison.Ordinal)
            ? torch.zeros(spec.Shape, ScalarType.BFloat16, generateOn)
            : torch.randn(spec.Shape, ScalarType.BFloat16, generateOn, generator: generator).mul_(0.02),
            new Dictionary<string, string> { ["format"] = "pt" });
        return directory;
    }

    private static bool Matches(string path, List<SafetensorsTensorSpec> specs)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Tensors.Count == specs.Count
            && specs.All(s => file.Tensors.TryGetValue(s.Name, out var e) && e.Shape.SequenceEqual(s.Shape) && e.ScalarType == s.DType);
    }

    private static List<SafetensorsTensorSpec> Specs(BenchConfig c)
    {
        long h = c.Hidden, q = (long)c.Heads * c.HeadDim, kv = (long)c.KvHeads * c.HeadDim, inner = c.Intermediate;
        var specs = new List<SafetensorsTensorSpec> { new("model.embed_tokens.weight", ScalarType.BFloat16, [c.Vocab, h]) };
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            SafetensorsTensorSpec Spec(string name, params long[] shape) => new(p + name, ScalarType.BFloat16, shape);
            specs.AddRange([
                Spec("input_layernorm.weight", h), Spec("self_attn.q_proj.weight", q, h), Spec("self_attn.k_proj.weight", kv, h),
                Spec("self_attn.v_proj.weight", kv, h), Spec("self_attn.o_proj.weight", h, q), Spec("post_attention_layernorm.weight", h),
                Spec("pre_feedforward_layernorm.weight", h), Spec("mlp.gate_proj.weight", inner, h), Spec("mlp.up_proj.weight", inner, h),
                Spec("mlp.down_proj.weight", h, inner), Spec("post_feedforward_layernorm.weight", h)]);
        }
        specs.Add(new("model.norm.weight", ScalarType.BFloat16, [h]));
        return specs;
    }
}
