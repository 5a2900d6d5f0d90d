using System.Text.Json;
using DISD.IO;

namespace DISD.Tokenization;

/// <summary>
/// What this tool needs to read from a <c>tokenizer.json</c> besides running it: every id's token text (model
/// vocabulary and added tokens), which added tokens are special, and the tokens the post-processor puts before and
/// after a single sequence.
/// </summary>
internal sealed class TokenizerJsonContents
{
    public required string[] TokenTexts { get; init; }

    /// <summary>Added tokens (special or not) by content; text that contains them encodes them as one id.</summary>
    public required IReadOnlyDictionary<string, int> AddedTokens { get; init; }

    /// <summary>Added tokens marked <c>"special": true</c> (left out by decode with skip_special_tokens).</summary>
    public required IReadOnlySet<int> SpecialIds { get; init; }

    public required IReadOnlyList<int> PostProcessorPrefix { get; init; }

    public required IReadOnlyList<int> PostProcessorSuffix { get; init; }

    public static TokenizerJsonContents Read(string path)
    {
        // Duplicate keys are left to the tokenizer's own reader, which decides what they mean. The contents are read while
        // the document is open: a clone of its root would copy all of a 262k vocabulary's 33 MB first.
        using var doc = StrictJson.ReadFile(path, new StrictJsonRules(RejectDuplicateKeys: false));
        try
        {
            return new Reader(path).Read(doc.RootElement);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            // JsonElement accessors throw these when a value has another type or a property is missing.
            throw new DisdException($"{path}: unexpected tokenizer.json structure ({e.Message}).", e);
        }
    }

    /// <summary>Far above any real vocabulary (about 260k for Gemma-3); bounds the id table a hostile file can ask for.</summary>
    private const int MaxTokenId = 1 << 24;

    private sealed class Reader(string path)
    {
        private readonly Dictionary<string, int> _added = new(StringComparer.Ordinal);
        private JsonElement _vocab;

        public TokenizerJsonContents Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DisdException($"{path}: expected a JSON object at the top level, found {root.ValueKind}.");
            }

            var texts = new Dictionary<int, string>();
            ReadModelVocabulary(Required(root, "model", "the tokenization model"), texts);

            var added = _added;
            var special = new HashSet<int>();
            if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in addedTokens.EnumerateArray())
                {
                    string content = Required(token, "content", "the added token's text").GetString()!;
                    int id = Required(token, "id", "the added token's id").GetInt32();
                    added[content] = id;
                    texts[id] = content;
                    if (token.TryGetProperty("special", out var isSpecial) && isSpecial.ValueKind == JsonValueKind.True)
                    {
                        special.Add(id);
                    }
                }
            }

            var (prefix, suffix) = root.TryGetProperty("post_processor", out var post) ? ReadPostProcessor(post) : ([], []);
            return new TokenizerJsonContents
            {
                TokenTexts = ToArray(texts),
                AddedTokens = added,
                SpecialIds = special,
                PostProcessorPrefix = prefix,
                PostProcessorSuffix = suffix,
            };
        }

        private void ReadModelVocabulary(JsonElement model, Dictionary<int, string> texts)
        {
            var vocab = _vocab = Required(model, "vocab", "the vocabulary");
            // One string per token and no text → id table: a 262k vocabulary's names are decoded once, and the few
            // names the post-processor asks for are found by comparing bytes (SpecialTokenIds).
            if (vocab.ValueKind == JsonValueKind.Object)
            {
                // BPE, WordPiece, WordLevel: {"token": id}.
                texts.EnsureCapacity(vocab.GetPropertyCount());
                foreach (var entry in vocab.EnumerateObject())
                    texts[entry.Value.GetInt32()] = entry.Name;
            }
            else if (vocab.ValueKind == JsonValueKind.Array)
            {
                // Unigram: [["token", score], …], the id is the position.
                texts.EnsureCapacity(vocab.GetArrayLength());
                int id = 0;
                foreach (var entry in vocab.EnumerateArray())
                    texts[id++] = entry[0].GetString()!;
            }
            else
            {
                throw new DisdException($"{path}: model.vocab must be an object or an array, found {vocab.ValueKind}.");
            }
        }

        /// <summary>The special tokens of a single-sequence template, before and after the sequence.</summary>
        private (List<int> Prefix, List<int> Suffix) ReadPostProcessor(JsonElement post)
        {
            var prefix = new List<int>();
            var suffix = new List<int>();
            if (post.ValueKind == JsonValueKind.Null)
            {
                return (prefix, suffix);
            }

            string type = Required(post, "type", "the post_processor type").GetString() ?? "";
            switch (type)
            {
                case "ByteLevel":
                    break;
                case "Sequence":
                    foreach (var processor in Required(post, "processors", "the processors").EnumerateArray())
                    {
                        var (p, s) = ReadPostProcessor(processor);
                        prefix.AddRange(p);
                        suffix.InsertRange(0, s);
                    }

                    break;
                case "TemplateProcessing":
                    ReadTemplate(post, prefix, suffix);
                    break;
                case "BertProcessing" or "RobertaProcessing":
                    prefix.Add(Required(post, "cls", "the CLS token")[1].GetInt32());
                    suffix.Add(Required(post, "sep", "the SEP token")[1].GetInt32());
                    break;
                default:
                    throw new DisdException($"{path}: post_processor type \"{type}\" is not supported (ByteLevel, TemplateProcessing, BertProcessing, "
                        + "RobertaProcessing, Sequence).");
            }

            return (prefix, suffix);
        }

        private void ReadTemplate(JsonElement post, List<int> prefix, List<int> suffix)
        {
            var specialTokens = post.TryGetProperty("special_tokens", out var map) ? map : default;
            bool afterSequence = false;
            foreach (var piece in Required(post, "single", "the single-sequence template").EnumerateArray())
            {
                if (piece.TryGetProperty("Sequence", out _))
                {
                    afterSequence = true;
                    continue;
                }

                string name = Required(Required(piece, "SpecialToken", "a template piece"), "id", "the special token").GetString()!;
                (afterSequence ? suffix : prefix).AddRange(SpecialTokenIds(specialTokens, name));
            }
        }

        private IEnumerable<int> SpecialTokenIds(JsonElement specialTokens, string name)
        {
            if (specialTokens.ValueKind == JsonValueKind.Object && specialTokens.TryGetProperty(name, out var entry)
                && entry.TryGetProperty("ids", out var ids))
            {
                return ids.EnumerateArray().Select(id => id.GetInt32()).ToList();
            }

            return IdOf(name) is { } id
                ? [id]
                : throw new DisdException($"{path}: post_processor names special token \"{name}\", which is not in the vocabulary.");
        }

        /// <summary>The id a text names: an added token's, else the vocabulary's (the last entry with that text, as a
        /// table filled in file order would keep).</summary>
        private int? IdOf(string text)
        {
            if (_added.TryGetValue(text, out int added))
                return added;
            int? found = null;
            if (_vocab.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in _vocab.EnumerateObject())
                {
                    if (entry.NameEquals(text))
                        found = entry.Value.GetInt32();
                }
            }
            else if (_vocab.ValueKind == JsonValueKind.Array)
            {
                int id = 0;
                foreach (var entry in _vocab.EnumerateArray())
                {
                    if (entry[0].ValueEquals(text))
                        found = id;
                    id++;
                }
            }
            return found;
        }

        private JsonElement Required(JsonElement parent, string property, string what) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value)
                ? value
                : throw new DisdException($"{path}: missing \"{property}\" ({what}).");

        private string[] ToArray(Dictionary<int, string> texts)
        {
            int highest = texts.Count == 0 ? -1 : texts.Keys.Max();
            if (texts.Count > 0 && (texts.Keys.Min() < 0 || highest >= MaxTokenId))
            {
                throw new DisdException($"{path}: token ids must lie in [0, {MaxTokenId}); found {texts.Keys.Min()} … {highest}.");
            }

            var array = new string[highest + 1];
            Array.Fill(array, "");
            foreach (var (id, text) in texts)
            {
                array[id] = text;
            }

            return array;
        }
    }
}
