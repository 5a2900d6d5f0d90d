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

    /// <summary>The text entries of a figure written by <see cref="Add"/> (PNG tEXt chunks, SVG &lt;desc&gt;); empty when it has none or is not such a
    /// figure.</summary>
    public static IReadOnlyDictionary<string, string> Read(byte[] figure)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (figure.AsSpan().StartsWith(PngSignature))
        {
            for (var at = PngSignature.Length; at + 8 <= figure.Length;)
            {
                var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(figure.AsSpan(at)), int.MaxValue);
                var type = Encoding.ASCII.GetString(figure, at + 4, 4);
                if (type == "IDAT" || at + 12L + length > figure.Length) break;
                if (type == "tEXt")
                {
                    var data = figure.AsSpan(at + 8, length);
                    var zero = data.IndexOf((byte)0);
                    if (zero > 0) entries[Encoding.Latin1.GetString(data[..zero])] = Encoding.Latin1.GetString(data[(zero + 1)..]);
                }

                at += 12 + length;
            }

            return entries;
        }

        var text = Encoding.UTF8.GetString(figure);
        var open = text.IndexOf("<desc>", StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf("</desc>", open, StringComparison.Ordinal);
        if (close < 0) return entries;
        foreach (var entry in text[(open + 6)..close].Split("; "))
        {
            var colon = entry.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) entries[System.Net.WebUtility.HtmlDecode(entry[..colon])] = System.Net.WebUtility.HtmlDecode(entry[(colon + 2)..]);
        }

        return entries;
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
