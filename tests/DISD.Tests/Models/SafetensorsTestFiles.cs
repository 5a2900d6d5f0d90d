using System.Text;
using System.Text.Json;
using DISD.Models.Loading;

namespace DISD.Tests.Models;

/// <summary>Writes safetensors files for tests, well-formed or deliberately broken.</summary>
internal static class SafetensorsTestFiles
{
    public sealed record RawTensor(string Name, string DType, long[] Shape, byte[] Data);

    /// <summary>A header given verbatim (may be invalid) followed by <paramref name="data"/>.</summary>
    public static void WriteRaw(string path, string headerJson, byte[] data, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(declaredHeaderLength ?? (ulong)header.Length));
        stream.Write(header);
        stream.Write(data);
    }

    /// <summary>A well-formed file holding <paramref name="tensors"/> in the given order.</summary>
    public static void Write(string path, IEnumerable<RawTensor> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        using var data = new MemoryStream();
        foreach (var tensor in tensors)
        {
            long begin = data.Length;
            data.Write(tensor.Data);
            header[tensor.Name] = new { dtype = tensor.DType, shape = tensor.Shape, data_offsets = new[] { begin, data.Length } };
        }
        WriteRaw(path, JsonSerializer.Serialize(header), data.ToArray());
    }

    /// <summary>Every tensor of an existing file, as stored.</summary>
    public static List<RawTensor> ReadAll(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Tensors.Values.OrderBy(e => e.Begin).Select(e =>
        {
            using var tensor = file.Read(e.Name);
            return new RawTensor(e.Name, e.DType, e.Shape, tensor.bytes.ToArray());
        }).ToList();
    }
}
