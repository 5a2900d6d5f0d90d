using System.Buffers.Binary;
using System.Text;

namespace DISD.Tests.IO;

/// <summary>
/// A safetensors file spelled out byte by byte, independently of the project's writer: 8-byte little-endian header
/// length, the JSON header, raw little-endian data. Tests build well-formed and broken tables with it.
/// </summary>
internal static class RawSafetensors
{
    public static byte[] Floats(IEnumerable<float> values)
    {
        var list = values.ToArray();
        var bytes = new byte[list.Length * 4];
        for (var i = 0; i < list.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), list[i]);
        return bytes;
    }

    /// <summary>A file with one tensor (<paramref name="dataBytes"/> overrides the byte count the header claims).</summary>
    public static byte[] File(string name, string dtype, long[] shape, byte[] data, string metadataJson = "", long? dataBytes = null)
    {
        var meta = metadataJson.Length > 0 ? $"\"__metadata__\":{metadataJson}," : "";
        var json = $"{{{meta}\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[0,{dataBytes ?? data.Length}]}}}}";
        var header = Encoding.UTF8.GetBytes(json);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A well-formed table of <paramref name="rows"/> under tensor name probs.</summary>
    public static byte[] Table(float[][] rows) =>
        File("probs", "F32", [rows.Length, rows[0].Length], Floats(rows.SelectMany(r => r)));

    /// <summary>Splits a file into its JSON header text and its data bytes.</summary>
    public static (string Header, byte[] Data) Parse(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    /// <summary>Rows of normalised random floats, each summing to 1 within float rounding.</summary>
    public static float[][] RandomRows(int seed, int rows, int vocab) => Enumerable.Range(0, rows).Select(r =>
    {
        var random = new Random(seed * 1000 + r);
        var weights = Enumerable.Range(0, vocab).Select(_ => Math.Exp(4 * random.NextDouble())).ToArray();
        var sum = weights.Sum();
        return weights.Select(w => (float)(w / sum)).ToArray();
    }).ToArray();
}
