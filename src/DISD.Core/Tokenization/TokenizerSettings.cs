using System.Text.Json;
using DISD.IO;

namespace DISD.Tokenization;

/// <summary>
/// What a Hugging Face checkpoint folder says about its tokenizer outside the vocabulary file:
/// <c>tokenizer_config.json</c> (add_bos_token, bos/eos token, added_tokens_decoder) and the bos/eos ids of
/// <c>config.json</c> and <c>generation_config.json</c>. Every file is optional.
/// </summary>
internal sealed class TokenizerSettings
{
    public bool? AddBosToken { get; private init; }
    public bool? AddEosToken { get; private init; }

    /// <summary>tokenizer_config.json's <c>tokenizer_class</c> ("LlamaTokenizer", "PreTrainedTokenizerFast", …).</summary>
    public string? TokenizerClass { get; private init; }
    public string? BosToken { get; private init; }
    public string? EosToken { get; private init; }
    public string? UnkToken { get; private init; }
    public string? PadToken { get; private init; }

    /// <summary>added_tokens_decoder entries: token text → id.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; private init; } = new Dictionary<string, int>();

    /// <summary>added_tokens_decoder entries with their matching flags, in the file's order.</summary>
    public IReadOnlyList<AddedTokenSpec> AddedTokenSpecs { get; private init; } = [];

    /// <summary>bos_token, eos_token, unk_token, pad_token given as AddedToken objects: their flags (a plain string has none set).</summary>
    public IReadOnlyDictionary<string, AddedTokenFlags> NamedTokenFlags { get; private init; } = new Dictionary<string, AddedTokenFlags>();

    /// <summary>Whether the folder has a tokenizer_config.json at all (a bare tokenizer.model encodes as sentencepiece does).</summary>
    public bool HasTokenizerConfig { get; private init; }

    /// <summary>tokenizer_config.json's <c>legacy</c> (null when absent or null).</summary>
    public bool? Legacy { get; private init; }

    /// <summary>tokenizer_config.json's <c>add_prefix_space</c> (null when absent or null).</summary>
    public bool? AddPrefixSpace { get; private init; }

    /// <summary>Ids of added tokens marked <c>"special": true</c> (dropped when decoding for display).</summary>
    public IReadOnlySet<int> SpecialAddedIds { get; private init; } = new HashSet<int>();

    public int? ConfigBosId { get; private init; }

    /// <summary>eos_token_id of config.json then generation_config.json (each an int or a list), in order, no repeats.</summary>
    public IReadOnlyList<int> ConfigEosIds { get; private init; } = [];

    /// <summary>How the checkpoint's small JSON files are read (transformers' reader tolerates trailing commas).</summary>
    public static StrictJsonRules ConfigRules { get; } = new(AllowTrailingCommas: true);

    public static TokenizerSettings Read(string checkpointDir)
    {
        string tokenizerConfigPath = Path.Combine(checkpointDir, "tokenizer_config.json");
        JsonElement? tokenizerConfig = ReadJson(tokenizerConfigPath);
        JsonElement? config = ReadJson(Path.Combine(checkpointDir, "config.json"));
        JsonElement? generationConfig = ReadJson(Path.Combine(checkpointDir, "generation_config.json"));

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var specs = new List<AddedTokenSpec>();
        var specialIds = new HashSet<int>();
        if (tokenizerConfig is { } tc && tc.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in decoder.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, out int id) || TokenString(entry.Value) is not { } content)
                {
                    throw new DisdException($"{Path.Combine(checkpointDir, "tokenizer_config.json")}: added_tokens_decoder entry \"{entry.Name}\" must map "
                        + $"an integer id to {{\"content\": ...}}.");
                }

                added[content] = id;
                specs.Add(new AddedTokenSpec(content, id, Flags(entry.Value)));
                if (entry.Value.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True)
                {
                    specialIds.Add(id);
                }
            }
        }

        var eosIds = new List<int>();
        AddIds(config, "eos_token_id", eosIds);
        AddIds(generationConfig, "eos_token_id", eosIds);
        var bosIds = new List<int>();
        AddIds(config, "bos_token_id", bosIds);
        AddIds(generationConfig, "bos_token_id", bosIds);

        return new TokenizerSettings
        {
            AddBosToken = tokenizerConfig is { } t1 && t1.TryGetProperty("add_bos_token", out var addBos)
                && addBos.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? addBos.GetBoolean()
                : null,
            AddEosToken = tokenizerConfig is { } t4 && t4.TryGetProperty("add_eos_token", out var addEos)
                && addEos.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? addEos.GetBoolean()
                : null,
            TokenizerClass = tokenizerConfig is { } t5 && t5.TryGetProperty("tokenizer_class", out var tokenizerClass)
                && tokenizerClass.ValueKind == JsonValueKind.String
                ? tokenizerClass.GetString()
                : null,
            BosToken = tokenizerConfig is { } t2 && t2.TryGetProperty("bos_token", out var bos) ? TokenString(bos) : null,
            EosToken = tokenizerConfig is { } t3 && t3.TryGetProperty("eos_token", out var eos) ? TokenString(eos) : null,
            UnkToken = tokenizerConfig is { } t6 && t6.TryGetProperty("unk_token", out var unk) ? TokenString(unk) : null,
            PadToken = tokenizerConfig is { } t7 && t7.TryGetProperty("pad_token", out var pad) ? TokenString(pad) : null,
            AddedTokens = added,
            AddedTokenSpecs = specs,
            NamedTokenFlags = NamedFlags(tokenizerConfig),
            HasTokenizerConfig = tokenizerConfig is not null,
            Legacy = OptionalBool(tokenizerConfig, "legacy", tokenizerConfigPath),
            AddPrefixSpace = OptionalBool(tokenizerConfig, "add_prefix_space", tokenizerConfigPath),
            SpecialAddedIds = specialIds,
            ConfigBosId = bosIds.Count > 0 ? bosIds[0] : null,
            ConfigEosIds = eosIds,
        };
    }

    /// <summary>A token given as a string or as an AddedToken object <c>{"content": "..."}</c>; null otherwise.</summary>
    public static string? TokenString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
        _ => null,
    };

    /// <summary>
    /// A switch that changes how the text is encoded: absent or null means the tokenizer class's default; anything but
    /// true or false is refused, since transformers would read e.g. the string "false" as true.
    /// </summary>
    private static bool? OptionalBool(JsonElement? json, string key, string path)
    {
        if (json is not { } root || !root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new DisdException($"{path}: \"{key}\" must be a boolean (true or false), found {value.GetRawText()}"),
        };
    }

    /// <summary>An AddedToken object's lstrip / rstrip / single_word (tokenizers' defaults, false, where a key is missing).</summary>
    private static AddedTokenFlags Flags(JsonElement token)
    {
        bool Get(string key) => token.ValueKind == JsonValueKind.Object && token.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
        return new AddedTokenFlags(Get("lstrip"), Get("rstrip"), Get("single_word"));
    }

    private static Dictionary<string, AddedTokenFlags> NamedFlags(JsonElement? tokenizerConfig)
    {
        var flags = new Dictionary<string, AddedTokenFlags>(StringComparer.Ordinal);
        foreach (string key in new[] { "bos_token", "eos_token", "unk_token", "pad_token" })
        {
            if (tokenizerConfig is { } tc && tc.TryGetProperty(key, out var value) && TokenString(value) is { } content)
            {
                flags.TryAdd(content, Flags(value));
            }
        }

        return flags;
    }

    private static void AddIds(JsonElement? json, string property, List<int> ids)
    {
        if (json is not { } root || !root.TryGetProperty(property, out var value))
        {
            return;
        }

        IEnumerable<JsonElement> items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
        foreach (var item in items)
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int id) && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }
    }

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = StrictJson.ReadFile(path, ConfigRules);
        return doc.RootElement.Clone();
    }
}

/// <summary>How an added token is matched in a text (tokenizers' <c>AddedToken</c>): lstrip / rstrip take the whitespace
/// on that side into the token; single_word matches only where no word character touches it.</summary>
internal readonly record struct AddedTokenFlags(bool LStrip, bool RStrip, bool SingleWord);

/// <summary>An added token: its text, id and matching flags.</summary>
internal sealed record AddedTokenSpec(string Content, int Id, AddedTokenFlags Flags);
