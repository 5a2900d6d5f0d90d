using System.Text.Json;
using DISD.IO;

namespace DISD.Models.Loading;

/// <summary>Parses and validates a safetensors JSON header the way the reference implementation does.</summary>
internal static class SafetensorsHeader
{
    private const string MetadataKey = "__metadata__";

    public static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) Parse(string path, byte[] header, long dataStart, long dataLength)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw new DisdException($"{path}: header does not start with '{{' (not a safetensors file?)");
        }
        var document = StrictJson.Parse(header, $"{path}: header");
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DisdException($"{path}: header must be a JSON object");
            }
            var tensors = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var relative = new List<(string Name, long Begin, long End)>();
            bool sawMetadata = false;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw new DisdException($"{path}: '{MetadataKey}' appears twice in the header");
                    }
                    sawMetadata = true;
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                if (tensors.ContainsKey(property.Name))
                {
                    throw new DisdException($"{path}: tensor '{property.Name}' appears twice in the header");
                }
                var (entry, begin, end) = ReadEntry(path, property.Name, property.Value, dataStart);
                tensors.Add(property.Name, entry);
                relative.Add((property.Name, begin, end));
            }
            CheckLayout(path, relative, dataLength);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new DisdException($"{path}: '{MetadataKey}' must be an object of strings");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new DisdException($"{path}: '{MetadataKey}.{item.Name}' must be a string");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static (SafetensorsEntry, long, long) ReadEntry(string path, string name, JsonElement value, long dataStart)
    {
        string where = $"{path}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array)
        {
            throw new DisdException($"{where} must have \"dtype\" (string), \"shape\" (array) and \"data_offsets\" (array)");
        }
        string dtype = dtypeJson.GetString()!;
        if (!SafetensorsDType.TryGet(dtype, out var scalarType, out int size))
        {
            throw new DisdException($"{where} has unsupported dtype '{dtype}' (supported: {string.Join(", ", SafetensorsDType.Names)})");
        }
        var shape = shapeJson.EnumerateArray().Select(d => ReadNonNegative(d, where, "shape")).ToArray();
        var offsets = offsetsJson.EnumerateArray().Select(d => ReadNonNegative(d, where, "data_offsets")).ToArray();
        if (offsets.Length != 2)
        {
            throw new DisdException($"{where}: data_offsets must be [begin, end], found {offsets.Length} numbers");
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
        {
            throw new DisdException($"{where}: data_offsets [{begin}, {end}] end before they begin");
        }
        long elements = 1;
        try
        {
            foreach (var dim in shape)
            {
                elements = checked(elements * dim);
            }
            if (checked(elements * size) != end - begin)
            {
                throw new DisdException(
                    $"{where}: {dtype} shape [{string.Join(", ", shape)}] needs {elements * size} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
            }
        }
        catch (OverflowException)
        {
            throw new DisdException($"{where}: shape [{string.Join(", ", shape)}] is too large");
        }
        var entry = new SafetensorsEntry(name, dtype, scalarType, size, shape, dataStart + begin, dataStart + end);
        return (entry, begin, end);
    }

    private static long ReadNonNegative(JsonElement element, string where, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || value < 0)
        {
            throw new DisdException($"{where}: {field} must hold non-negative integers, found {element.GetRawText()}");
        }
        return value;
    }

    /// <summary>Tensors, sorted by offset, must tile the data section exactly: no gaps, no overlaps, nothing past its end.</summary>
    private static void CheckLayout(string path, List<(string Name, long Begin, long End)> tensors, long dataLength)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expectedBegin = 0;
        string previous = "the start of the data section";
        foreach (var (name, begin, end) in tensors)
        {
            if (begin != expectedBegin)
            {
                string problem = begin < expectedBegin ? "overlaps" : "leaves a gap after";
                throw new DisdException(
                    $"{path}: tensor '{name}' at data offsets [{begin}, {end}] {problem} {previous} (expected it to begin at {expectedBegin})");
            }
            if (end > dataLength)
            {
                throw new DisdException(
                    $"{path}: tensor '{name}' at data offsets [{begin}, {end}] runs past the end of the {dataLength}-byte data section (truncated file?)");
            }
            expectedBegin = end;
            previous = $"tensor '{name}'";
        }
        if (expectedBegin != dataLength)
        {
            throw new DisdException(
                $"{path}: tensors cover {expectedBegin} bytes but the data section holds {dataLength} (trailing bytes or a corrupt header)");
        }
    }
}
