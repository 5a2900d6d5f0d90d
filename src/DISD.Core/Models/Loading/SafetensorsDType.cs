using static TorchSharp.torch;

namespace DISD.Models.Loading;

/// <summary>The safetensors dtype names this project reads, with their torch types and element sizes.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Known = new(StringComparer.Ordinal)
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    /// <summary>The safetensors name of <paramref name="type"/> (e.g. "BF16").</summary>
    public static string NameOf(ScalarType type) =>
        Known.FirstOrDefault(k => k.Value.Type == type).Key ?? throw new ArgumentException($"safetensors has no dtype for {type}", nameof(type));

    public static int SizeOf(ScalarType type) => Known[NameOf(type)].Size;

    public static bool TryGet(string name, out ScalarType type, out int size)
    {
        var found = Known.TryGetValue(name, out var entry);
        (type, size) = entry;
        return found;
    }
}
