using System.Text.Json;

namespace DISD.Models.Config;

/// <summary>Typed, error-reporting access to one object of a Hugging Face config.json.</summary>
public sealed class ConfigJson(JsonElement element, string source)
{
    public JsonElement Element { get; } = element;

    public string Source { get; } = source;

    public static ConfigJson Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DisdException($"{source}: expected a JSON object");
            }
            return new ConfigJson(document.RootElement.Clone(), source);
        }
        catch (JsonException e)
        {
            throw new DisdException($"{source}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The value of <paramref name="key"/>, absent when missing or JSON null.</summary>
    public bool TryGet(string key, out JsonElement value) =>
        Element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    public bool Has(string key) => TryGet(key, out _);

    public ConfigJson? Object(string key) =>
        TryGet(key, out var value) ? value.ValueKind == JsonValueKind.Object ? new ConfigJson(value, $"{Source}: {key}") : throw Bad(key, "an object", value) : null;

    public int Int(string key) => IntOr(key) ?? throw Missing(key);

    public int? IntOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result
        : throw Bad(key, "an integer", value);

    public double Double(string key) => DoubleOr(key) ?? throw Missing(key);

    public double? DoubleOr(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw Bad(key, "a number", value);

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
