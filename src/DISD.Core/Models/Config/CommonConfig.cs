using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>Parsing rules shared by every family's config record.</summary>
internal static class CommonConfig
{
    public const string SlidingAttention = "sliding_attention";
    public const string FullAttention = "full_attention";

    /// <summary>Per layer: does it use the sliding window? From <c>layer_types</c> when present, else <paramref name="legacyRule"/>.</summary>
    public static bool[] SlidingLayers(ConfigJson config, int layerCount, Func<int, bool> legacyRule)
    {
        var types = config.StringListOr("layer_types");
        if (types is null)
        {
            return Enumerable.Range(0, layerCount).Select(legacyRule).ToArray();
        }
        if (types.Count != layerCount)
        {
            throw new DisdException($"{config.Source}: layer_types lists {types.Count} layers but num_hidden_layers is {layerCount}");
        }
        return types.Select(t => t switch
        {
            SlidingAttention => true,
            FullAttention => false,
            _ => throw new DisdException($"{config.Source}: unknown layer type '{t}' (expected {SlidingAttention} or {FullAttention})"),
        }).ToArray();
    }

    /// <summary>The dtype the config declares for the weights (<c>dtype</c>, or <c>torch_dtype</c> before transformers 5); float32 when absent.</summary>
    public static ScalarType CheckpointDType(ConfigJson config)
    {
        string name = config.StringOr("dtype") ?? config.StringOr("torch_dtype") ?? "float32";
        return name switch
        {
            "float32" or "float" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            "float16" or "half" => ScalarType.Float16,
            "float64" => ScalarType.Float64,
            _ => throw new DisdException($"{config.Source}: dtype '{name}' is not supported (supported: float32, bfloat16, float16)"),
        };
    }

    public static Activation ReadActivation(ConfigJson config, string fallback)
    {
        string name = config.StringOr("hidden_activation") ?? config.StringOr("hidden_act") ?? fallback;
        return name switch
        {
            "gelu_pytorch_tanh" or "gelu_tanh" => Activation.GeluTanh,
            "gelu" => Activation.Gelu,
            "silu" or "swish" => Activation.Silu,
            _ => throw new DisdException($"{config.Source}: activation '{name}' is not supported (supported: gelu_pytorch_tanh, gelu, silu)"),
        };
    }
}

public enum Activation
{
    GeluTanh,
    Gelu,
    Silu,
}
