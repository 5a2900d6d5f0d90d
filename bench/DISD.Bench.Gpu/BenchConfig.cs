using System.Text.Json;

namespace DISD.Bench.Gpu;

/// <summary>A Gemma-2 architecture to benchmark with random weights: gemma-2-2b-it's and gemma-2-9b-it's real configs, or a tiny one.</summary>
internal sealed record BenchConfig(
    string Name, int Hidden, int Layers, int Heads, int KvHeads, int HeadDim, int Intermediate, int Vocab,
    int QueryPreAttnScalar, int SlidingWindow)
{
    /// <summary>hidden 1024, 8 layers, 8 / 4 heads of 128, intermediate 4096, vocab 32,000: 158.6M parameters (bench/DISD.Bench.Models).</summary>
    public static readonly BenchConfig Gemma2_150M = new("gemma2-150m", 1024, 8, 8, 4, 128, 4096, 32_000, 128, 4096);

    public static BenchConfig Parse(string name) => name switch
    {
        "2b" => new("2b", 2304, 26, 8, 4, 256, 9216, 256_000, 256, 4096),
        "9b" => new("9b", 3584, 42, 16, 8, 256, 14336, 256_000, 256, 4096),
        "tiny" => new("tiny", 256, 4, 4, 2, 64, 1024, 8_000, 64, 4096),
        // Gemma-3's vocabulary (262,145 with its tokenizer.json) on a model too small to matter: what is measured is
        // the V-sized work around the forward passes (bench/v262k.sh).
        "v262k" => new("v262k", 64, 2, 4, 2, 16, 256, 262_145, 16, 4096),
        _ => throw new DisdException($"--config '{name}' is not a config; expected 2b, 9b, tiny or v262k"),
    };

    /// <summary>config.json as transformers 5 writes it for Gemma2ForCausalLM (soft-caps 50 / 30, bfloat16).</summary>
    public string ConfigJson() => JsonSerializer.Serialize(new Dictionary<string, object>
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
        ["query_pre_attn_scalar"] = QueryPreAttnScalar,
        ["sliding_window"] = SlidingWindow,
        ["attn_logit_softcapping"] = 50.0,
        ["final_logit_softcapping"] = 30.0,
        ["hidden_activation"] = "gelu_pytorch_tanh",
        ["max_position_embeddings"] = 8192,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = 2,
        ["eos_token_id"] = new[] { 1, 107 },
        ["pad_token_id"] = 0,
        ["torch_dtype"] = "bfloat16",
    }, new JsonSerializerOptions { WriteIndented = true });
}
