using System.Text.Json;
using System.Text.Json.Nodes;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

public class ModelLoaderErrorTests
{
    private static string LoadFailure(string dir) =>
        Assert.Throws<DisdException>(() => ModelLoader.Load(dir, CPU, ScalarType.Float32).Dispose()).Message;

    private static void RewriteWeights(string dir, Func<List<SafetensorsTestFiles.RawTensor>, List<SafetensorsTestFiles.RawTensor>> change)
    {
        string path = Path.Combine(dir, "model.safetensors");
        var tensors = change(SafetensorsTestFiles.ReadAll(path));
        SafetensorsTestFiles.Write(path, tensors);
    }

    [Fact]
    public void MissingTensorIsNamedWithItsExpectedShape()
    {
        using var dir = ModelFixtures.CopyGolden("gemma2", legacyConfig: false);
        RewriteWeights(dir.Path, ts => ts.Where(t => t.Name != "model.layers.1.mlp.up_proj.weight").ToList());

        string message = LoadFailure(dir.Path);
        Assert.Contains("missing tensor 'model.layers.1.mlp.up_proj.weight'", message);
        Assert.Contains("[128, 64]", message);
    }

    [Fact]
    public void MisshapenTensorIsNamedWithBothShapes()
    {
        using var dir = ModelFixtures.CopyGolden("qwen2", legacyConfig: false);
        const string name = "model.layers.2.self_attn.q_proj.weight";
        RewriteWeights(dir.Path, ts => ts.Select(t => t.Name == name ? t with { Shape = [32, 128] } : t).ToList());

        string message = LoadFailure(dir.Path);
        Assert.Contains($"tensor '{name}' has shape [32, 128], expected [64, 64]", message);
    }

    [Fact]
    public void UnsupportedModelTypeListsSupportedOnes()
    {
        using var dir = ModelFixtures.CopyGolden("llama", legacyConfig: false);
        string configPath = Path.Combine(dir.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["model_type"] = "mamba";
        File.WriteAllText(configPath, config.ToJsonString());

        string message = LoadFailure(dir.Path);
        Assert.Contains("model_type 'mamba' is not supported", message);
        foreach (var type in new[] { "gemma2", "gemma3_text", "llama", "qwen2" })
        {
            Assert.Contains(type, message);
        }
    }

    [Fact]
    public void BadConfigValueNamesTheKey()
    {
        using var dir = ModelFixtures.CopyGolden("gemma2", legacyConfig: false);
        string configPath = Path.Combine(dir.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["num_hidden_layers"] = "four";
        File.WriteAllText(configPath, config.ToJsonString());

        Assert.Contains("\"num_hidden_layers\" must be an integer, found \"four\"", LoadFailure(dir.Path));
    }

    [Fact]
    public void CacheFromAnotherModelIsRejected()
    {
        using var first = ModelLoader.Load(ModelFixtures.GoldenDir("llama"), CPU, ScalarType.Float32);
        using var second = ModelLoader.Load(ModelFixtures.GoldenDir("llama"), CPU, ScalarType.Float32);
        using var cache = first.NewCache(4);
        using var ids = TorchSharp.torch.tensor(new long[] { 1, 2 });
        Assert.Throws<ArgumentException>(() => second.Prefill(ids, cache));
    }
}
