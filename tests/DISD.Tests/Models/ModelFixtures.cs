using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>Paths and reference tensors of the golden checkpoints and the demo models.</summary>
internal static class ModelFixtures
{
    public static readonly string[] Families = ["gemma2", "gemma3", "llama", "qwen2"];

    public static string GoldenDir(string family) => Path.Combine(AppContext.BaseDirectory, "fixtures", "golden", family);

    public static string DemoModelDir(string size)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "models", $"gemma2-wordnet-{size}");
    }

    /// <summary>A tensor of expected.safetensors (input_ids, logits, prompt_ids, greedy_ids, greedy_step_logits).</summary>
    public static Tensor Expected(string family, string name)
    {
        using var file = SafetensorsFile.Open(Path.Combine(GoldenDir(family), "expected.safetensors"));
        return file.Read(name);
    }

    public static long[] ExpectedIds(string family, string name)
    {
        using var ids = Expected(family, name);
        return ids.data<long>().ToArray();
    }

    /// <summary>The fixture folder in a temp copy, with config.v4.json as config.json when <paramref name="legacyConfig"/>.</summary>
    public static TempDirectory CopyGolden(string family, bool legacyConfig)
    {
        var temp = new TempDirectory();
        foreach (var file in Directory.GetFiles(GoldenDir(family)))
        {
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        }
        if (legacyConfig)
        {
            File.Copy(Path.Combine(temp.Path, "config.v4.json"), Path.Combine(temp.Path, "config.json"), overwrite: true);
        }
        return temp;
    }

    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = actual.to(ScalarType.Float32).sub(expected).abs().max();
        return diff.item<float>();
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "disd-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
