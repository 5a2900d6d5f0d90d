using System.Text.Json.Nodes;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>The text decoder of a multimodal Gemma-3 checkpoint (model_type gemma3, text_config, prefixed weights) loads.</summary>
public class MultimodalCheckpointTests
{
    [Theory]
    [InlineData("model.language_model.", "lm_head.weight")]
    [InlineData("language_model.model.", "language_model.lm_head.weight")]
    public void Gemma3TextWeightsUnderAMultimodalPrefixLoad(string prefix, string lmHeadName)
    {
        using var dir = ModelFixtures.CopyGolden("gemma3", legacyConfig: true);
        string weightsPath = Path.Combine(dir.Path, "model.safetensors");
        var tensors = SafetensorsTestFiles.ReadAll(weightsPath)
            .Select(t => t with { Name = prefix + t.Name["model.".Length..] })
            .ToList();
        // An explicit lm_head equal to the embeddings, as multimodal checkpoints sometimes store it.
        tensors.Add(tensors.Single(t => t.Name == prefix + "embed_tokens.weight") with { Name = lmHeadName });
        tensors.Add(new SafetensorsTestFiles.RawTensor("vision_tower.patch.weight", "F32", [2], new byte[8]));
        SafetensorsTestFiles.Write(weightsPath, tensors);
        string configPath = Path.Combine(dir.Path, "config.json");
        var textConfig = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        textConfig.Remove("torch_dtype");
        var config = new JsonObject
        {
            ["model_type"] = "gemma3",
            ["torch_dtype"] = "bfloat16",
            ["eos_token_id"] = new JsonArray(1, 106),
            ["text_config"] = textConfig,
        };
        textConfig.Remove("eos_token_id");
        File.WriteAllText(configPath, config.ToJsonString());

        using var model = ModelLoader.Load(dir.Path, CPU, ScalarType.Float32);
        using var ids = ModelFixtures.Expected("gemma3", "input_ids");
        using var expected = ModelFixtures.Expected("gemma3", "logits");
        using var cache = model.NewCache(24);
        using var logits = model.Prefill(ids, cache);

        Assert.InRange(ModelFixtures.MaxAbsDiff(logits, expected), 0, 1e-4);
        Assert.Equal([1, 106], model.EosTokenIds);
    }
}
