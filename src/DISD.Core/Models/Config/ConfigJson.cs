using System.Globalization;
using System.Text.Json;
using DISD.IO;

namespace DISD.Models.Config;

/// <summary>Typed, error-reporting access to one object of a Hugging Face config.json.</summary>
public sealed class ConfigJson(JsonElement element, string source)
{
    public JsonElement Element { get; } = element;

    public string Source { get; } = source;

    public static ConfigJson Parse(string json, string source)
    {
        using var document = StrictJson.Parse(json, source);
        return new ConfigJson(document.RootElement.Clone(), source);
    }

    /// <summary>Reads <paramref name="path"/> through <see cref="StrictJson"/> (a JSON object, unique keys, every string decodable).</summary>
    public static ConfigJson ReadFile(string path)
    {
        using var document = StrictJson.ReadFile(path);
        return new ConfigJson(document.RootElement.Clone(), path);
    }

    /// <summary>The value of <paramref name="key"/>, absent when missing or JSON null.</summary>
    public bool TryGet(string key, out JsonElement value) =>
        Element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    public bool Has(string key) => TryGet(key, out _);

    public ConfigJson? Object(string key) =>
        TryGet(key, out var value)
            ? value.ValueKind == JsonValueKind.Object ? new ConfigJson(value, $"{Source}: {key}") : throw Bad(key, "an object", value)
            : null;

    public int Int(string key) => IntOr(key) ?? throw Missing(key);

    public int? IntOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result
        : throw Bad(key, "an integer", value);

    public double Double(string key) => DoubleOr(key) ?? throw Missing(key);

    public double? DoubleOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double result) && double.IsFinite(result) ? result
        : throw Bad(key, "a finite number", value);

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public int IntInRange(string key, int min, int max, int? fallback = null)
    {
        int value = IntOr(key) ?? fallback ?? throw Missing(key);
        return value >= min && value <= max ? value : throw OutOfRange(key, value.ToString(CultureInfo.InvariantCulture), $"{min}…{max}");
    }

    /// <summary>A finite number &gt; 0 (at most <paramref name="max"/>), or <paramref name="fallback"/> when absent.</summary>
    public double? PositiveOr(string key, double? fallback = null, double max = double.MaxValue)
    {
        double? value = DoubleOr(key) ?? fallback;
        return value is null || value > 0 && value <= max ? value
            : throw OutOfRange(key, value.Value.ToString(CultureInfo.InvariantCulture),
                max == double.MaxValue ? "a number > 0" : $"a number in (0, {max.ToString(CultureInfo.InvariantCulture)}]");
    }

    public DisdException OutOfRange(string key, string value, string limit) =>
        new($"{Source}: \"{key}\" is {value}, expected {limit}; fix the file");

    public bool? BoolOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Bad(key, "true or false", value);

    public string? StringOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Bad(key, "a string", value);

    /// <summary>An integer or a list of integers (e.g. eos_token_id); empty when absent.</summary>
    public IReadOnlyList<int> IntOrIntList(string key)
    {
        if (!TryGet(key, out var value))
        {
            return [];
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int single))
        {
            return [single];
        }
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _)))
        {
            return value.EnumerateArray().Select(v => v.GetInt32()).ToArray();
        }
        throw Bad(key, "an integer or a list of integers", value);
    }

    public IReadOnlyList<string>? StringListOr(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
        {
            return value.EnumerateArray().Select(v => v.GetString()!).ToArray();
        }
        throw Bad(key, "a list of strings", value);
    }

    public DisdException Missing(string key) => new($"{Source}: missing required key \"{key}\"");

    public DisdException Bad(string key, string expected, JsonElement found) =>
        new($"{Source}: \"{key}\" must be {expected}, found {found.GetRawText()}");
}
