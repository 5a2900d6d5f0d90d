using System.Buffers.Binary;
using System.Text.Json;
using DISD.Tests.Cli;

namespace DISD.Tests.Speculate;

/// <summary>The demo models in the source tree's models/ folder, and helpers to run <c>disd speculate</c> on them.</summary>
internal static class DemoModels
{
    public const string Large = "gemma2-wordnet-large";
    public const string Medium = "gemma2-wordnet-medium";
    public const string Small = "gemma2-wordnet-small";
    public const int Eos = 1;

    /// <summary>
    /// One intra-op thread: these models are so small that libtorch's thread pool only adds synchronisation, which
    /// on a loaded 2-core CI machine makes each forward call 10-30x slower. Results do not depend on it.
    /// </summary>
    public static void UseOneTorchThread() => TorchSharp.torch.set_num_threads(1);

    public static string Folder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
            {
                return Path.Combine(dir.FullName, "models", name);
            }
        }

        throw new InvalidOperationException($"No DISD.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// A copy of <paramref name="name"/> (config, tokenizer) whose bf16 weights are replaced by random values: a
    /// drafter with the right vocabulary but nothing in common with the target.
    /// </summary>
    public static string RandomWeightCopy(string name, string destination, int seed)
    {
        var source = Folder(name);
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        var bytes = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using (var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength)))
        {
            Assert.All(header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"),
                p => Assert.Equal("BF16", p.Value.GetProperty("dtype").GetString()));
        }

        var random = new Random(seed);
        for (var at = 8 + headerLength; at + 1 < bytes.Length; at += 2)
        {
            var value = (float)((random.NextDouble() * 2 - 1) * 0.2);
            var bits = BitConverter.SingleToInt32Bits(value);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)(bits >> 16));
        }

        File.WriteAllBytes(Path.Combine(destination, "model.safetensors"), bytes);
        return destination;
    }

    /// <summary>Runs <c>disd speculate --json</c> with <paramref name="args"/>; asserts success and returns the JSON.</summary>
    public static JsonElement SpeculateJson(params string[] args)
    {
        UseOneTorchThread();
        var (code, stdout, stderr) = CliRunner.Run(["speculate", "--json", .. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    public static int[] TokenIds(JsonElement json) =>
        json.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
