using DISD.Models.Config;
using DISD.Models.Loading;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Models;

/// <summary>Builds the right model for a Hugging Face checkpoint folder (config.json + safetensors weights).</summary>
public static class ModelLoader
{
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gemma2", "gemma3", "gemma3_text", "llama", "qwen2"];

    /// <summary>
    /// Loads <paramref name="checkpointDir"/> with weights converted to <paramref name="dtype"/> (the compute dtype) on
    /// <paramref name="device"/>, one tensor at a time.
    /// </summary>
    public static ICausalLanguageModel Load(string checkpointDir, Device device, ScalarType dtype) =>
        Load(checkpointDir, dtype, checkpoint => new ModelWeights(checkpoint, device, dtype));

    /// <summary>
    /// Loads <paramref name="checkpointDir"/> with its parts on the devices of <paramref name="devices"/> (see <see cref="ModelPlacement"/>).
    /// </summary>
    public static ICausalLanguageModel Load(string checkpointDir, DeviceMap devices, ScalarType dtype) =>
        Load(checkpointDir, dtype, checkpoint => new ModelWeights(checkpoint, devices, dtype));

    private static ICausalLanguageModel Load(string checkpointDir, ScalarType dtype, Func<SafetensorsCheckpoint, ModelWeights> openWeights)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
        {
            throw new ArgumentException($"Compute dtype must be Float32, BFloat16 or Float16, got {dtype}", nameof(dtype));
        }
        var config = ReadConfig(checkpointDir);
        string modelType = config.StringOr("model_type") ?? throw config.Missing("model_type");
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDir)));
        var eos = ReadGenerationEos(checkpointDir);
        // Parse before opening the weights so a bad config fails without touching them.
        Func<ModelWeights, CausalLanguageModel> build = modelType switch
        {
            "gemma2" => Build(Gemma2Config.FromJson(config), eos, (c, w) => new Gemma2Model(name, c, w)),
            "gemma3_text" => Build(Gemma3Config.FromJson(config), eos, (c, w) => new Gemma3Model(name, c, w)),
            "gemma3" => Build(MultimodalTextConfig(config), eos, (c, w) => new Gemma3Model(name, c, w)),
            "llama" => Build(LlamaConfig.FromJson(config), eos, (c, w) => new LlamaModel(name, c, w)),
            "qwen2" => Build(Qwen2Config.FromJson(config), eos, (c, w) => new Qwen2Model(name, c, w)),
            _ => throw new DisdException(
                $"{Path.Combine(checkpointDir, "config.json")}: model_type '{modelType}' is not supported "
                + $"(supported: {string.Join(", ", SupportedModelTypes)})"),
        };
        using var weights = openWeights(SafetensorsCheckpoint.Open(checkpointDir));
        using var noGrad = TorchSharp.torch.no_grad();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var model = build(weights);
        model.DetachParameters();
        return model;
    }

    public static ConfigJson ReadConfig(string checkpointDir)
    {
        string path = Path.Combine(checkpointDir, "config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{checkpointDir}: no config.json (is this a Hugging Face checkpoint folder?)", path);
        }
        return ConfigJson.ReadFile(path);
    }

    /// <summary>The model's builder, for <paramref name="config"/> with the eos ids of generation_config.json added.</summary>
    private static Func<ModelWeights, CausalLanguageModel> Build<TConfig>(
        TConfig config, IReadOnlyList<int> generationEos, Func<TConfig, ModelWeights, CausalLanguageModel> create)
        where TConfig : DecoderConfig
    {
        var merged = (TConfig)((DecoderConfig)config with { EosTokenIds = Merge(config.EosTokenIds, generationEos) });
        return weights => create(merged, weights);
    }

    /// <summary>A multimodal gemma3 checkpoint's text decoder: its text_config, with the top-level eos ids and dtype where it declares none.</summary>
    private static Gemma3Config MultimodalTextConfig(ConfigJson config) =>
        Gemma3Config.FromJson(config.Object("text_config") ?? throw config.Missing("text_config"), config.IntOrIntList("eos_token_id"))
        with { CheckpointDType = MultimodalDType(config) };

    /// <summary>generate() stops on generation_config.json's eos ids, which can list more than config.json (e.g. end_of_turn).</summary>
    private static IReadOnlyList<int> ReadGenerationEos(string checkpointDir)
    {
        string path = Path.Combine(checkpointDir, "generation_config.json");
        return File.Exists(path) ? ConfigJson.ReadFile(path).IntOrIntList("eos_token_id") : [];
    }

    /// <summary>A multimodal config declares the dtype at the top level, its text_config usually not at all.</summary>
    private static ScalarType MultimodalDType(ConfigJson config)
    {
        var text = config.Object("text_config")!;
        return text.Has("dtype") || text.Has("torch_dtype") ? CommonConfig.CheckpointDType(text) : CommonConfig.CheckpointDType(config);
    }

    private static IReadOnlyList<int> Merge(IReadOnlyList<int> first, IReadOnlyList<int> second) => first.Concat(second).Distinct().ToArray();
}
