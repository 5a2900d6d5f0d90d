using System.Text.Json;
using System.Text.Unicode;

namespace DISD.IO;

/// <summary>How strict <see cref="StrictJson"/> is about one kind of file.</summary>
/// <param name="Root">The value kind the document must have at its root.</param>
/// <param name="RejectDuplicateKeys">Refuse an object that names a key twice (readers would silently keep one of them).</param>
/// <param name="AllowTrailingCommas">Accept <c>[1, 2,]</c> (transformers writes tokenizer_config.json with Python's json, which never does, but
/// hand-edited files do and transformers' reader tolerates them).</param>
public sealed record StrictJsonRules(JsonValueKind Root = JsonValueKind.Object, bool RejectDuplicateKeys = true, bool AllowTrailingCommas = false)
{
    public static StrictJsonRules Object { get; } = new();
}

/// <summary>
/// The one reader of every JSON file: a document comes back only when it is well-formed JSON whose every string and key
/// decodes (valid UTF-8, no lone UTF-16 surrogate escape such as <c>"\ud800"</c>, which <see cref="JsonDocument"/>
/// accepts but whose accessors then throw), whose root has the expected kind and (by default) whose objects name each
/// key once. Anything else is a <see cref="DisdException"/> naming the file.
/// </summary>
public static class StrictJson
{
    /// <summary>Nesting deeper than this is refused (no file this tool reads nests past about 10 levels).</summary>
    public const int MaxDepth = 64;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads and checks <paramref name="path"/>; a missing or unreadable file is a <see cref="DisdException"/> too.</summary>
    public static JsonDocument ReadFile(string path, StrictJsonRules? rules = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"{path}: cannot read it ({e.Message})", e);
        }
        return Parse(bytes, path, rules);
    }

    public static JsonDocument Parse(string json, string source, StrictJsonRules? rules = null) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(json), source, rules);

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string source, StrictJsonRules? rules = null)
    {
        rules ??= StrictJsonRules.Object;
        if (utf8.Span.StartsWith(Utf8Bom))
        {
            utf8 = utf8[Utf8Bom.Length..];
        }
        JsonDocument document;
        try
        {
            Check(utf8.Span, source, rules);
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = rules.AllowTrailingCommas });
        }
        catch (JsonException e)
        {
            throw new DisdException($"{source}: not valid JSON ({OneLine(e.Message)}); fix or re-download the file", e);
        }
        if (document.RootElement.ValueKind != rules.Root)
        {
            var found = document.RootElement.ValueKind;
            document.Dispose();
            throw new DisdException($"{source}: expected a JSON {KindName(rules.Root)} at the top level, found {KindName(found)}; is this the right file?");
        }
        return document;
    }

    /// <summary>One pass over the tokens: every string and key must decode; keys must be unique per object when asked.</summary>
    private static void Check(ReadOnlySpan<byte> utf8, string source, StrictJsonRules rules)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, AllowTrailingCommas = rules.AllowTrailingCommas });
        var keys = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when rules.RejectDuplicateKeys:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject when rules.RejectDuplicateKeys:
                    keys.Pop();
                    break;
                case JsonTokenType.PropertyName when rules.RejectDuplicateKeys:
                    string name = Decode(ref reader, source);
                    if (!keys.Peek().Add(name))
                    {
                        throw new DisdException($"{source}: key \"{name}\" appears twice in one object (at byte {reader.TokenStartIndex}); keep one");
                    }
                    break;
                // Without the duplicate check a key is only checked as a string is (a tokenizer.json's 262k vocabulary keys
                // need no string each).
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped || !Utf8.IsValid(reader.ValueSpan))
                    {
                        Decode(ref reader, source);
                    }
                    break;
            }
        }
    }

    private static string Decode(ref Utf8JsonReader reader, string source)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new DisdException(
                $"{source}: the string at byte {reader.TokenStartIndex} does not decode (invalid UTF-8 or a lone UTF-16 surrogate escape such as \\ud800); "
                    + "fix or re-download the file", e);
        }
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
