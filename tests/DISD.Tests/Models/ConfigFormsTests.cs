using System.Text.Json;
using DISD.Models;
using DISD.Models.Config;

namespace DISD.Tests.Models;

/// <summary>config.json (transformers 5) and config.v4.json (transformers 4) of each fixture describe the same model.</summary>
public class ConfigFormsTests
{
    private static string Describe(string family, string fileName)
    {
        string path = Path.Combine(ModelFixtures.GoldenDir(family), fileName);
        var json = ConfigJson.Parse(File.ReadAllText(path), path);
        object config = family switch
        {
            "gemma2" => Gemma2Config.FromJson(json),
            "gemma3" => Gemma3Config.FromJson(json),
            "llama" => LlamaConfig.FromJson(json),
            _ => Qwen2Config.FromJson(json),
        };
        return JsonSerializer.Serialize(config, config.GetType());
    }

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public void BothConfigFormsParseToTheSameConfig(string family) =>
        Assert.Equal(Describe(family, "config.json"), Describe(family, "config.v4.json"));

    [Fact]
    public void FixtureSpecificsAreRead()
    {
        string dir = ModelFixtures.GoldenDir("gemma3");
        var gemma3 = Gemma3Config.FromJson(ModelLoader.ReadConfig(dir));
        Assert.Equal([true, true, true, true, true, false], gemma3.SlidingLayers);
        Assert.Equal(1_000_000.0, gemma3.GlobalRope.Theta);
        Assert.Equal(10_000.0, gemma3.LocalRope.Theta);
        Assert.True(gemma3.TieWordEmbeddings);

        var gemma2 = Gemma2Config.FromJson(ModelLoader.ReadConfig(ModelFixtures.GoldenDir("gemma2")));
        Assert.Equal([true, false, true, false], gemma2.SlidingLayers);
        Assert.Equal((5.0, 3.0, 24.0), (gemma2.AttnLogitSoftcapping, gemma2.FinalLogitSoftcapping, gemma2.QueryPreAttnScalar));

        var llama = LlamaConfig.FromJson(ModelLoader.ReadConfig(ModelFixtures.GoldenDir("llama")));
        Assert.Equal(new RopeSettings(500000.0, "llama3", 8.0, 1.0, 4.0, 16), llama.Rope);
        Assert.False(llama.TieWordEmbeddings);
    }

    [Fact]
    public void EosTokenIdAcceptsIntOrListAndGemmaTiesByDefault()
    {
        var json = ConfigJson.Parse("""
            {"vocab_size": 8, "hidden_size": 4, "intermediate_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
             "head_dim": 2, "eos_token_id": [1, 107], "rope_scaling": {"type": "linear", "factor": 8.0}, "rope_theta": 1e6,
             "torch_dtype": "bfloat16"}
            """, "test");
        var config = Gemma3Config.FromJson(json);
        Assert.Equal([1, 107], config.EosTokenIds);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal(new RopeSettings(1e6, "linear", Factor: 8.0), config.GlobalRope);
        Assert.Equal(new RopeSettings(10_000.0), config.LocalRope);
        // transformers 4 rule: every sliding_window_pattern-th (default 6th) layer is global.
        Assert.Equal([true, true], config.SlidingLayers);
        Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, config.CheckpointDType);
    }
}
