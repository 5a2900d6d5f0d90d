using DISD.Models;
using DISD.Runtime;
using DISD.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Runtime;

/// <summary>
/// The split-by-layers plumbing on a CPU-only machine: every part is mapped to its own CPU Device object, so the
/// per-layer device lists, the per-layer KV cache and the tied-head path run; the tensors stay on the one CPU.
/// </summary>
public sealed class SplitModelTests
{
    private static DeviceMap CpuParts(int layers) =>
        new(new Device(DeviceType.CPU, -1), Enumerable.Range(0, layers).Select(_ => new Device(DeviceType.CPU, -1)).ToArray(), new Device(DeviceType.CPU, -1));

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public void MappedModelGivesTheUnsplitModelsLogits(string family)
    {
        using var noGrad = torch.no_grad();
        string dir = ModelFixtures.GoldenDir(family);
        int layers = ModelLoader.ReadConfig(dir).Int("num_hidden_layers");
        using var whole = ModelLoader.Load(dir, CPU, ScalarType.Float32);
        using var mapped = ModelLoader.Load(dir, CpuParts(layers), ScalarType.Float32);
        using var prompt = ModelFixtures.Expected(family, "prompt_ids");
        using var wholeCache = whole.NewCache(16);
        using var mappedCache = mapped.NewCache(16);

        using var expected = whole.Prefill(prompt, wholeCache);
        using var actual = mapped.Prefill(prompt, mappedCache);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.eq(expected).all().item<bool>());
        using var next = torch.tensor(new long[] { 7 });
        using var expectedStep = whole.Decode(next, wholeCache);
        using var actualStep = mapped.Decode(next, mappedCache);
        Assert.Equal(expectedStep.shape, actualStep.shape);
        Assert.True(actualStep.eq(expectedStep).all().item<bool>());
        Assert.Equal(layers, ((CausalLanguageModel)mapped).Devices.Layers.Count);
    }

    [Fact]
    public void AMapWithTheWrongLayerCountIsRefused()
    {
        string dir = ModelFixtures.GoldenDir("gemma2");
        int layers = ModelLoader.ReadConfig(dir).Int("num_hidden_layers");

        var error = Assert.Throws<DisdException>(() => ModelLoader.Load(dir, CpuParts(layers + 1), ScalarType.Float32));

        Assert.Contains($"places {layers + 1} layers but the model has {layers}", error.Message);
    }

    [Fact]
    public void AutoOnACpuOnlyMachinePlacesOnTheCpuWithoutLoadingTheCudaDriver()
    {
        if (torch.cuda.is_available())
        {
            return; // this is about CPU-only machines
        }

        var maps = ModelPlacement.PlanDevices([ModelFixtures.GoldenDir("qwen2")], "auto", ScalarType.BFloat16, ModelPlacement.DefaultReserveBytes);

        Assert.Equal(DeviceType.CPU, Assert.Single(maps).Embedding.type);
        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), line => line.Contains("libcuda.so", StringComparison.Ordinal));
    }

    [Fact]
    public void PinnedDevicesGiveOneDeviceMapPerModel()
    {
        string[] dirs = [ModelFixtures.GoldenDir("gemma2"), ModelFixtures.GoldenDir("llama")];

        var maps = ModelPlacement.PlanDevices(dirs, "cpu", ScalarType.Float32, ModelPlacement.DefaultReserveBytes);

        Assert.Equal(dirs.Select(d => ModelLoader.ReadConfig(d).Int("num_hidden_layers")), maps.Select(m => m.Layers.Count));
        Assert.All(maps, m => Assert.False(m.IsSplit));
        Assert.All(maps, m => Assert.Equal(DeviceType.CPU, m.Head.type));
    }
}
