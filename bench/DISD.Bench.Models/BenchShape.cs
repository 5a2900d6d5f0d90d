using System.Text.Json;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Models;

/// <summary>A Gemma-2 shape to benchmark with random weights (bfloat16 on disk, loaded in the dtype asked for).</summary>
internal sealed record BenchShape(string Name, int Hidden, int Layers, int Heads, int KvHeads, int HeadDim, int Intermediate, int Vocab, int SlidingWindow)
{
    /// <summary>hidden 1024, 8 layers, 8 / 4 heads of 128, intermediate 4096, vocab 32,000: 158.6M parameters.</summary>
    public static readonly BenchShape Gemma2_150M = new("gemma2-150m", 1024, 8, 8, 4, 128, 4096, 32_000, 4096);

    public long ParameterCount
    {
        get
        {
            long h = Hidden, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim;
            long perLayer = h * q * 2 + h * kv * 2 + 3L * h * Intermediate + 4 * h;
            return (long)Vocab * h + Layers * perLayer + h;
        }
    }

    /// <summary>Writes config.json and model.safetensors under <paramref name="directory"/> unless an earlier run did.</summary>
    public string WriteCheckpoint(string directory)
    {
        Directory.CreateDirectory(directory);
        string weights = Path.Combine(directory, SafetensorsCheckpoint.SingleFileName);
        File.WriteAllText(Path.Combine(directory, "config.json"), ConfigJson());
        if (File.Exists(weights))
        {
            return directory;
        }
        var generator = new Generator(0, CPU);
        // Norm weights 0 (Gemma's 1 + w = 1); matrices with std 0.02 as transformers' initializer_range.
        SafetensorsWriter.Write(weights, Specs(), spec => spec.Name.EndsWith("norm.weight", StringComparison.Ordinal)
            ? torch.zeros(spec.Shape, ScalarType.BFloat16)
            : torch.randn(spec.Shape, ScalarType.Float32, generator: generator).mul_(0.02).to(ScalarType.BFloat16));
        return directory;
    }

    private List<SafetensorsTensorSpec> Specs()
    {
        long h = Hidden, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim, inner = Intermediate;
        var specs = new List<SafetensorsTensorSpec> { new("model.embed_tokens.weight", ScalarType.BFloat16, [Vocab, h]) };
        for (int i = 0; i < Layers; i++)
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

    /// <summary>config.json as transformers writes it for Gemma2ForCausalLM (soft-caps 50 / 30).</summary>
    private string ConfigJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["architectures"] = new[] { "Gemma2ForCausalLM" },
        ["model_type"] = "gemma2",
        ["hidden_size"] = Hidden,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads,
        ["head_dim"] = HeadDim,
        ["intermediate_size"] = Intermediate,
        ["vocab_size"] = Vocab,
        ["query_pre_attn_scalar"] = HeadDim,
        ["sliding_window"] = SlidingWindow,
        ["attn_logit_softcapping"] = 50.0,
        ["final_logit_softcapping"] = 30.0,
        ["hidden_activation"] = "gelu_pytorch_tanh",
        ["max_position_embeddings"] = 8192,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = 2,
        ["eos_token_id"] = 1,
        ["pad_token_id"] = 0,
        ["torch_dtype"] = "bfloat16",
    }, new JsonSerializerOptions { WriteIndented = true });
}
