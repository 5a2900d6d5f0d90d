using System.Buffers.Binary;
using System.Security;
using System.Text;

namespace DISD.Plotting;

/// <summary>
/// Text entries (e.g. the run id a figure was made from) added to rendered figure bytes without changing the
/// picture: PNG tEXt chunks after IHDR (PNG spec §11.3.4.3, Latin-1 keyword and text), an SVG &lt;desc&gt; element.
/// </summary>
public static class FigureMetadata
{
    private static readonly byte[] PngSignature = [137, 80, 78, 71, 13, 10, 26, 10];
    private const int IhdrChunkLength = 4 + 4 + 13 + 4;

    public static byte[] Add(byte[] figure, FigureFormat format, IReadOnlyList<KeyValuePair<string, string>> entries) => format switch
    {
        FigureFormat.Png => AddToPng(figure, entries),
        FigureFormat.Svg => AddToSvg(figure, entries),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown figure format"),
    };

    public static byte[] AddToPng(byte[] png, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        if (!png.AsSpan().StartsWith(PngSignature) || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
            throw new ArgumentException("not a PNG that starts with IHDR", nameof(png));
        var at = PngSignature.Length + IhdrChunkLength;
        var output = new MemoryStream(png.Length + 256);
        output.Write(png, 0, at);
        foreach (var (key, value) in entries)
        {
            WriteChunk(output, "tEXt", [.. Encoding.Latin1.GetBytes(key), 0, .. Encoding.Latin1.GetBytes(value)]);
        }

        output.Write(png, at, png.Length - at);
        return output.ToArray();
    }

    public static byte[] AddToSvg(byte[] svg, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var text = Encoding.UTF8.GetString(svg);
        var open = text.IndexOf("<svg", StringComparison.Ordinal);
        var end = open < 0 ? -1 : text.IndexOf('>', open);
        if (end < 0) throw new ArgumentException("not an SVG document", nameof(svg));
        var desc = "<desc>" + string.Join("; ", entries.Select(e => $"{SecurityElement.Escape(e.Key)}: {SecurityElement.Escape(e.Value)}")) + "</desc>";
        return Encoding.UTF8.GetBytes(text.Insert(end + 1, desc));
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        output.Write(word);
    }

    /// <summary>The CRC-32 of PNG and zlib (polynomial 0xEDB88320, reflected).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
