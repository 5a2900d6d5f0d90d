using System.Collections;
using System.Text.Json;

namespace DISD.Templating;

/// <summary>Converts caller values to the interpreter's: long, double, string, bool, null, lists, ordered dictionaries, functions.</summary>
internal static class TemplateValues
{
    public static object? Import(object? value) => value switch
    {
        null or string or bool or long or double or JinjaFunction => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        JsonElement json => FromJson(json),
        IReadOnlyDictionary<string, object?> dict => ImportDictionary(dict),
        IDictionary dict => ImportDictionary(dict.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => dict[k])),
        IEnumerable items => items.Cast<object?>().Select(Import).ToList(),
        _ => throw new ArgumentException($"a template value cannot be of type {value.GetType().Name}", nameof(value)),
    };

    private static OrderedDictionary<string, object?> ImportDictionary(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            result[key] = Import(value);
        }

        return result;
    }

    private static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => json.TryGetInt64(out long l) ? (object)l : json.GetDouble(),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        _ => ImportDictionary(json.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value)))),
    };
}
