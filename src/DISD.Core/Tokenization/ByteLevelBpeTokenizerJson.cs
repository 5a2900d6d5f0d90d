using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace DISD.Tokenization;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers <see cref="BpeTokenizer"/> from a Hugging Face <c>tokenizer.json</c> holding a
/// byte-level BPE (Llama-3, Qwen2, GPT-2 style). The library has BPE, byte-level and regex pre-tokenization but no
/// reader for the tokenizer.json format, so this file is the glue: it reads vocab, merges, added tokens, the split
/// regex and the normalizer, and refuses shapes it does not understand instead of tokenizing them wrongly.
/// </summary>
internal sealed class ByteLevelBpeTokenizerJson
{
    // tokenizers' ByteLevel pre-tokenizer with use_regex=true applies GPT-2's split pattern.
    private const string Gpt2SplitPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public required BpeTokenizer Tokenizer { get; init; }
    public required PreTokenizer PreTokenizer { get; init; }
    public Normalizer? Normalizer { get; init; }
    public required IReadOnlyDictionary<string, int> Vocabulary { get; init; }
    public required IReadOnlyDictionary<string, int> AddedTokens { get; init; }
    public required IReadOnlySet<int> SpecialAddedIds { get; init; }

    /// <summary>tokenizers' <c>ignore_merges</c> (Llama-3): a pre-token found whole in the vocabulary is one token.</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>The special token a TemplateProcessing post-processor puts first (Llama-3's BOS), if any.</summary>
    public string? PostProcessorPrefixToken { get; init; }

    public static ByteLevelBpeTokenizerJson Load(string path, IReadOnlyDictionary<string, int> extraAddedTokens)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DisdException($"{path}: not valid JSON ({e.Message}).", e);
        }

        try
        {
            return new Reader(path).Build(root, extraAddedTokens);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // JsonElement accessors throw these when a value has another type or a property is missing.
            throw new DisdException($"{path}: unexpected tokenizer.json structure ({e.Message}).", e);
        }
    }

    private sealed class Reader(string path)
    {
        public ByteLevelBpeTokenizerJson Build(JsonElement root, IReadOnlyDictionary<string, int> extraAddedTokens)
        {
            var model = Required(root, "model", "the BPE model");
            string modelType = model.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "";
            if (modelType != "BPE")
            {
                throw Unsupported($"model.type is \"{modelType}\"; only byte-level \"BPE\" is supported from tokenizer.json (SentencePiece models need tokenizer.model)");
            }

            if (model.TryGetProperty("byte_fallback", out var byteFallback) && byteFallback.ValueKind == JsonValueKind.True)
            {
                throw Unsupported("model.byte_fallback is true (a SentencePiece-style BPE); use the checkpoint's tokenizer.model");
            }

            foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            {
                if (model.TryGetProperty(affix, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
                {
                    throw Unsupported($"model.{affix} \"{value.GetString()}\" is not supported for byte-level BPE");
                }
            }

            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in Required(model, "vocab", "the vocabulary").EnumerateObject())
            {
                vocabulary[entry.Name] = entry.Value.GetInt32();
            }

            var merges = Required(model, "merges", "the merges").EnumerateArray().Select(ReadMerge).ToList();

            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            var specialIds = new HashSet<int>();
            if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in addedTokens.EnumerateArray())
                {
                    string content = Required(token, "content", "the added token text").GetString()!;
                    int id = Required(token, "id", "the added token id").GetInt32();
                    added[content] = id;
                    if (token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True)
                    {
                        specialIds.Add(id);
                    }
                }
            }

            foreach (var (content, id) in extraAddedTokens)
            {
                added.TryAdd(content, id);
            }

            var preTokenizer = new CodePointRegexPreTokenizer(new RegexPreTokenizer(new Regex(ReadSplitPattern(root), RegexOptions.None), added));
            var normalizer = ReadNormalizer(root);
            var tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
            {
                Merges = merges,
                ByteLevel = true,
                SpecialTokens = added,
                PreTokenizer = preTokenizer,
                Normalizer = normalizer,
            });

            return new ByteLevelBpeTokenizerJson
            {
                Tokenizer = tokenizer,
                PreTokenizer = preTokenizer,
                Normalizer = normalizer,
                Vocabulary = vocabulary,
                AddedTokens = added,
                SpecialAddedIds = specialIds,
                IgnoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True,
                PostProcessorPrefixToken = root.TryGetProperty("post_processor", out var post) ? FindTemplatePrefixToken(post) : null,
            };
        }

        private string ReadMerge(JsonElement merge) => merge.ValueKind switch
        {
            JsonValueKind.String => merge.GetString()!,
            JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
            _ => throw new DisdException($"{path}: model.merges entry {merge.GetRawText()} must be \"a b\" or [\"a\", \"b\"]."),
        };

        private string ReadSplitPattern(JsonElement root)
        {
            if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            {
                throw Unsupported("pre_tokenizer is missing; expected ByteLevel, or Sequence[Split(Regex), ByteLevel]");
            }

            string preType = pre.GetProperty("type").GetString() ?? "";
            if (preType == "ByteLevel")
            {
                RequireByteLevelWithoutPrefixSpace(pre);
                return pre.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.False
                    ? throw Unsupported("a lone ByteLevel pre-tokenizer with use_regex=false does not split words")
                    : Gpt2SplitPattern;
            }

            if (preType == "Sequence" && pre.GetProperty("pretokenizers") is { ValueKind: JsonValueKind.Array } steps && steps.GetArrayLength() == 2)
            {
                var split = steps[0];
                var byteLevel = steps[1];
                bool isSplit = split.GetProperty("type").GetString() == "Split"
                    && split.TryGetProperty("behavior", out var behavior) && behavior.GetString() == "Isolated"
                    && !(split.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True)
                    && split.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out _);
                bool isByteLevel = byteLevel.GetProperty("type").GetString() == "ByteLevel"
                    && byteLevel.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.False;
                if (isSplit && isByteLevel)
                {
                    RequireByteLevelWithoutPrefixSpace(byteLevel);
                    return split.GetProperty("pattern").GetProperty("Regex").GetString()!;
                }
            }

            throw Unsupported($"pre_tokenizer {Shorten(pre.GetRawText())} is not ByteLevel or Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)]");
        }

        private void RequireByteLevelWithoutPrefixSpace(JsonElement byteLevel)
        {
            if (byteLevel.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
            {
                throw Unsupported("ByteLevel add_prefix_space=true is not supported");
            }
        }

        private Normalizer? ReadNormalizer(JsonElement root)
        {
            if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return normalizer.GetProperty("type").GetString() switch
            {
                "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
                "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
                var other => throw Unsupported($"normalizer type \"{other}\" is not supported (only none, NFC, NFKC)"),
            };
        }

        private static string? FindTemplatePrefixToken(JsonElement post)
        {
            if (post.ValueKind != JsonValueKind.Object || !post.TryGetProperty("type", out var type))
            {
                return null;
            }

            if (type.GetString() == "Sequence" && post.TryGetProperty("processors", out var processors))
            {
                return processors.EnumerateArray().Select(FindTemplatePrefixToken).FirstOrDefault(t => t is not null);
            }

            if (type.GetString() == "TemplateProcessing" && post.TryGetProperty("single", out var single)
                && single.ValueKind == JsonValueKind.Array && single.GetArrayLength() > 0
                && single[0].TryGetProperty("SpecialToken", out var special))
            {
                return special.GetProperty("id").GetString();
            }

            return null;
        }

        private JsonElement Required(JsonElement parent, string property, string what) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value)
                ? value
                : throw new DisdException($"{path}: missing \"{property}\" ({what}).");

        private DisdException Unsupported(string what) => new($"{path}: {what}.");

        private static string Shorten(string json) => json.Length <= 160 ? json : json[..160] + "…";

    }

    /// <remarks>
    /// string.Normalize needs ICU: under InvariantGlobalization (set in Directory.Build.props) .NET returns the text
    /// unchanged, so decomposed input (e.g. "e\u0301") is not composed there. Text typed or generated is almost always
    /// already NFC, where this makes no difference.
    /// </remarks>
    private sealed class UnicodeNormalizer(NormalizationForm form) : Normalizer
    {
        public override string Normalize(string original) => original.Normalize(form);

        public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(form);
    }
}
