using DISD.Models.Loading;
using DISD.Runtime;
using DISD.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Runtime;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("disd-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SafetensorsFileReadsBackWhatTheWriterWrote()
    {
        string path = Path.Combine(_dir, "t.safetensors");
        using var bf16 = torch.randn([3, 5], generator: new Generator(1)).to(ScalarType.BFloat16);
        using var f32 = torch.randn([7], generator: new Generator(2));
        using var i64 = torch.tensor(new long[] { -1, 0, long.MaxValue });
        using var empty = torch.zeros([0, 4]);
        using var scalar = torch.tensor(2.5f);

        SafetensorsWriter.Write(path, [("a.bf16", bf16), ("b.f32", f32), ("c.i64", i64), ("d.empty", empty), ("e.scalar", scalar)],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["BF16", "F32", "I64", "F32", "F32"], new[] { "a.bf16", "b.f32", "c.i64", "d.empty", "e.scalar" }.Select(n => file.Tensors[n].DType));
        foreach (var (name, expected) in new[] { ("a.bf16", bf16), ("b.f32", f32), ("c.i64", i64), ("d.empty", empty), ("e.scalar", scalar) })
        {
            using var actual = file.Read(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.eq(expected).all().item<bool>(), name);
        }
        // The header length keeps the data 8-byte aligned, as the format recommends.
        Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(path).AsSpan(0, 8)) % 8);
    }

    [Fact]
    public void ProducedTensorsAreConvertedToTheirSpecDTypeAndCheckedForShape()
    {
        string path = Path.Combine(_dir, "p.safetensors");
        SafetensorsTensorSpec[] specs = [new("w", ScalarType.BFloat16, [2, 3]), new("v", ScalarType.Float32, [4])];

        SafetensorsWriter.Write(path, specs, spec => torch.arange(spec.Shape.Aggregate(1L, (a, b) => a * b), ScalarType.Float64).reshape(spec.Shape));

        using var file = SafetensorsFile.Open(path);
        using var w = file.Read("w");
        Assert.Equal(ScalarType.BFloat16, w.dtype);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, w.to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(file.Tensors["w"].ByteLength, specs[0].ByteLength);

        string bad = Path.Combine(_dir, "bad.safetensors");
        var error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(bad, specs, _ => torch.zeros(5)));
        Assert.Contains("'w'", error.Message);
        Assert.False(File.Exists(bad));
    }

    [Fact]
    public void FootprintCountsEveryDecoderTensorOnce()
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, "ckpt")).FullName;
        using var embed = torch.zeros([10, 4]);
        using var layer0 = torch.zeros([4, 4]);
        using var layer1 = torch.zeros([8, 4]);
        using var norm = torch.zeros([4]);
        using var vision = torch.zeros([100]);
        SafetensorsWriter.Write(Path.Combine(dir, SafetensorsCheckpoint.SingleFileName), [
            ("model.embed_tokens.weight", embed), ("model.layers.0.mlp.down_proj.weight", layer0),
            ("model.layers.1.mlp.down_proj.weight", layer1), ("model.layers.1.input_layernorm.weight", norm),
            ("model.norm.weight", norm), ("vision_tower.encoder.layers.0.weight", vision)]);

        var footprint = ModelPlacement.Footprint(dir, ScalarType.BFloat16);

        Assert.Equal(2 * 40, footprint.EmbeddingBytes);
        Assert.Equal(new long[] { 2 * 16, 2 * (32 + 4) }, footprint.LayerBytes);
        Assert.Equal(2 * 4, footprint.HeadBytes);
        Assert.Equal(footprint.EmbeddingBytes, footprint.TiedHeadBytes); // no lm_head.weight: the head is the embedding
    }
}
