using System.Text;
using System.Text.Json;
using DISD.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Testing;

/// <summary>The name, dtype and shape of one tensor to write.</summary>
public sealed record SafetensorsTensorSpec(string Name, ScalarType DType, long[] Shape)
{
    public long ByteLength => Shape.Aggregate(1L, (a, b) => a * b) * SafetensorsDType.SizeOf(DType);
}

/// <summary>
/// Writes a safetensors file (8-byte little-endian header length, JSON header padded to 8 bytes, raw little-endian
/// data). Tensors are produced and written one at a time, so a multi-GiB checkpoint never sits in memory whole.
/// </summary>
public static class SafetensorsWriter
{
    private const int Alignment = 8;

    /// <summary>Writes <paramref name="tensors"/> (any device; converted to each spec's dtype) in order.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var specs = tensors.Select(t => new SafetensorsTensorSpec(t.Name, t.Tensor.dtype, t.Tensor.shape)).ToArray();
        var byName = tensors.ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        Write(path, specs, spec => byName[spec.Name].alias(), metadata);
    }

    /// <summary>
    /// Writes the tensors of <paramref name="specs"/>, asking <paramref name="produce"/> for each in turn; the writer
    /// disposes what <paramref name="produce"/> returns. The file appears complete or not at all.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafetensorsTensorSpec> specs, Func<SafetensorsTensorSpec, Tensor> produce,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = Header(specs, metadata);
        string partial = path + ".partial";
        using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            foreach (var spec in specs)
            {
                using var scope = torch.NewDisposeScope();
                var tensor = produce(spec);
                if (!tensor.shape.SequenceEqual(spec.Shape))
                {
                    throw new ArgumentException($"{path}: tensor '{spec.Name}' was produced with shape [{string.Join(", ", tensor.shape)}], expected "
                        + $"[{string.Join(", ", spec.Shape)}]");
                }
                var host = tensor.to(spec.DType).cpu().contiguous();
                if (spec.ByteLength > 0)
                {
                    WriteBytes(stream, host);
                }
            }
        }
        File.Move(partial, path, overwrite: true);
    }

    private static void WriteBytes(Stream stream, Tensor host)
    {
        // Spans are int-sized: write huge tensors in slices.
        using var flat = host.view(-1);
        long count = flat.shape[0], perSlice = (1L << 30) / host.element_size();
        for (long first = 0; first < count; first += perSlice)
        {
            using var slice = flat.narrow(0, first, Math.Min(perSlice, count - first));
            stream.Write(slice.bytes);
        }
    }

    private static byte[] Header(IReadOnlyList<SafetensorsTensorSpec> specs, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var spec in specs)
            {
                json.WriteStartObject(spec.Name);
                json.WriteString("dtype", SafetensorsDType.NameOf(spec.DType));
                json.WriteStartArray("shape");
                foreach (var size in spec.Shape)
                {
                    json.WriteNumberValue(size);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += spec.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((Alignment - (buffer.Length % Alignment)) % Alignment);
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }
}
