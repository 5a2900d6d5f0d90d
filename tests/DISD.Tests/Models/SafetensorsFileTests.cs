using System.Text.Json;
using DISD.Models;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

public class SafetensorsFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string PathOf(string name) => Path.Combine(_temp.Path, name);

    public void Dispose() => _temp.Dispose();

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private string Corrupt(string headerJson, byte[] data, ulong? declaredLength = null)
    {
        string path = PathOf("corrupt.safetensors");
        SafetensorsTestFiles.WriteRaw(path, headerJson, data, declaredLength);
        return path;
    }

    private static string FailureMessage(string path)
    {
        var error = Assert.Throws<DisdException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, error.Message);
        return error.Message;
    }

    [Fact]
    public void ReadsEveryDTypeWithMetadataAndNoAlignmentPadding()
    {
        string path = PathOf("ok.safetensors");
        var bf16 = new byte[] { 0x80, 0x3F, 0x00, 0xC0 }; // 1.0, -2.0
        SafetensorsTestFiles.Write(path, [
            new("f32", "F32", [2], Floats(1.5f, -3f)),
            new("odd", "U8", [3], [1, 2, 3]),
            new("bf16", "BF16", [2], bf16),
            new("i64", "I64", [1, 1], BitConverter.GetBytes(-5L)),
            new("flag", "BOOL", [2], [1, 0]),
            new("empty", "F16", [0, 4], []),
        ]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        using var f32 = file.Read("f32");
        Assert.Equal([1.5f, -3f], f32.data<float>().ToArray());
        using var odd = file.Read("odd");
        Assert.Equal(new byte[] { 1, 2, 3 }, odd.data<byte>().ToArray());
        using var asFloat = file.Read("bf16", ScalarType.Float32);
        Assert.Equal([1f, -2f], asFloat.data<float>().ToArray());
        using var i64 = file.Read("i64");
        Assert.Equal(new long[] { 1, 1 }, i64.shape);
        Assert.Equal(-5L, i64.item<long>());
        using var flag = file.Read("flag");
        Assert.Equal([true, false], flag.data<bool>().ToArray());
        using var empty = file.Read("empty");
        Assert.Equal(new long[] { 0, 4 }, empty.shape);
    }

    [Fact]
    public void TensorLargerThanOneReadChunkIsReadCompletely()
    {
        // 5 M floats = 20 MB: more than one 16 MiB read, after an odd-sized tensor so nothing is aligned.
        const int count = 5_000_000;
        var values = new byte[count * sizeof(float)];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(values.AsSpan(i * sizeof(float)), (float)i);
        }
        string path = PathOf("large.safetensors");
        SafetensorsTestFiles.Write(path, [new("odd", "U8", [3], [9, 8, 7]), new("big", "F32", [count], values)]);

        using var file = SafetensorsFile.Open(path);
        using var big = file.Read("big");
        using var expected = torch.arange(0, count, ScalarType.Float32);
        using var same = big.eq(expected).all();
        Assert.True(same.item<bool>());
    }

    [Fact]
    public void TruncatedFileFails()
    {
        string source = Path.Combine(ModelFixtures.GoldenDir("gemma2"), "model.safetensors");
        var bytes = File.ReadAllBytes(source);
        string cut = PathOf("cut.safetensors");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        Assert.Contains("runs past the end", FailureMessage(cut));

        File.WriteAllBytes(cut, bytes[..5]);
        Assert.Contains("too small", FailureMessage(cut));
    }

    [Fact]
    public void HeaderLengthBeyondLimitOrFileFails()
    {
        const string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        Assert.Contains("exceeds the 100000000-byte limit", FailureMessage(Corrupt(header, Floats(1f), declaredLength: 200_000_000)));
        Assert.Contains("runs past the end of the", FailureMessage(Corrupt(header, Floats(1f), declaredLength: 5000)));
    }

    [Fact]
    public void OverlappingOffsetsFail()
    {
        const string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        string message = FailureMessage(Corrupt(header, Floats(1, 2, 3)));
        Assert.Contains("tensor 'b'", message);
        Assert.Contains("overlaps tensor 'a'", message);
    }

    [Fact]
    public void GapBetweenTensorsFails()
    {
        const string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        Assert.Contains("leaves a gap after tensor 'a'", FailureMessage(Corrupt(header, Floats(1, 2, 3))));
    }

    [Fact]
    public void OffsetsOutsideTheFileFail()
    {
        const string header = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""";
        string message = FailureMessage(Corrupt(header, Floats(1, 2)));
        Assert.Contains("tensor 'a'", message);
        Assert.Contains("runs past the end of the 8-byte data section", message);
    }

    [Fact]
    public void TrailingBytesFail()
    {
        const string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        Assert.Contains("cover 4 bytes but the data section holds 8", FailureMessage(Corrupt(header, Floats(1, 2))));
    }

    [Fact]
    public void ByteCountNotMatchingShapeFails()
    {
        const string header = """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""";
        string message = FailureMessage(Corrupt(header, Floats(1, 2)));
        Assert.Contains("tensor 'w'", message);
        Assert.Contains("needs 12 bytes", message);
    }

    [Fact]
    public void DuplicateNameFails()
    {
        const string header = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        Assert.Contains("key \"w\" appears twice", FailureMessage(Corrupt(header, Floats(1, 2))));
    }

    [Fact]
    public void BadJsonFails()
    {
        Assert.Contains("header: not valid JSON", FailureMessage(Corrupt("""{"w": {"dtype": "F32",""", Floats(1))));
        Assert.Contains("does not start with '{'", FailureMessage(Corrupt("""["w"]""", [])));
    }

    [Fact]
    public void UnknownDTypeFailsListingSupportedOnes()
    {
        const string header = """{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""";
        string message = FailureMessage(Corrupt(header, [0]));
        Assert.Contains("unsupported dtype 'F8_E4M3'", message);
        Assert.Contains("BF16", message);
    }

    [Fact]
    public void ShardedCheckpointLoadsLikeTheSingleFile()
    {
        using var dir = ModelFixtures.CopyGolden("gemma2", legacyConfig: false);
        string single = Path.Combine(dir.Path, "model.safetensors");
        var tensors = SafetensorsTestFiles.ReadAll(single);
        File.Delete(single);
        int half = tensors.Count / 2;
        SafetensorsTestFiles.Write(Path.Combine(dir.Path, "model-00001-of-00002.safetensors"), tensors[..half]);
        SafetensorsTestFiles.Write(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"), tensors[half..]);
        var weightMap = tensors.Select((t, i) => (t.Name, File: i < half ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors"))
            .ToDictionary(x => x.Name, x => x.File);
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), JsonSerializer.Serialize(new { metadata = new { }, weight_map = weightMap }));

        using var model = ModelLoader.Load(dir.Path, CPU, ScalarType.Float32);
        using var ids = ModelFixtures.Expected("gemma2", "input_ids");
        using var expected = ModelFixtures.Expected("gemma2", "logits");
        using var cache = model.NewCache(24);
        using var logits = model.Prefill(ids, cache);
        Assert.InRange(ModelFixtures.MaxAbsDiff(logits, expected), 0, 1e-4);
    }
}
