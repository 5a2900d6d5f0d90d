using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DISD.Tokenization;

/// <summary>
/// Loads each distinct tokenizer once per run: checkpoints whose tokenizer files are byte-identical share one
/// <see cref="TextTokenizer"/>. A model family ships the same tokenizer with every size (the paper's Gemma trio: one
/// 33 MB tokenizer.json each, and parsing it is the slow part of loading one), and a <see cref="TextTokenizer"/> does
/// not change once loaded. Two folders share a tokenizer when everything <see cref="TextTokenizer.Load"/> reads
/// agrees: the vocabulary file, tokenizer_config.json, special_tokens_map.json, chat_template.jinja,
/// generation_config.json, and config.json's bos/eos ids (the rest of config.json, which differs between sizes, plays
/// no part).
/// </summary>
public sealed class TokenizerCache
{
    private static readonly string[] Files =
        ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja", "generation_config.json"];

    private readonly Dictionary<string, TextTokenizer> _loaded = new(StringComparer.Ordinal);

    /// <summary>How many tokenizers were parsed (the rest were shared).</summary>
    public int Parsed { get; private set; }

    public TextTokenizer Load(string checkpointDir)
    {
        string? key = Key(checkpointDir);
        if (key is not null && _loaded.TryGetValue(key, out var shared))
            return shared;
        var tokenizer = TextTokenizer.Load(checkpointDir);
        Parsed++;
        if (key is not null)
            _loaded[key] = tokenizer;
        return tokenizer;
    }

    /// <summary>A digest of what the tokenizer of <paramref name="checkpointDir"/> is read from; null when it cannot be
    /// read (then <see cref="TextTokenizer.Load"/> reports the problem).</summary>
    private static string? Key(string checkpointDir)
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string name in Files)
            {
                string path = Path.Combine(checkpointDir, name);
                hash.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
                if (File.Exists(path))
                {
                    // Streamed: a 33 MB tokenizer.json read whole would be fresh memory to fault in, once per model.
                    using var file = File.OpenRead(path);
                    hash.AppendData(SHA256.HashData(file));
                }
            }
            hash.AppendData(Encoding.UTF8.GetBytes(SpecialIds(Path.Combine(checkpointDir, "config.json"))));
            return Convert.ToHexString(hash.GetHashAndReset());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string SpecialIds(string configPath)
    {
        if (!File.Exists(configPath))
            return "";
        using var config = JsonDocument.Parse(File.ReadAllBytes(configPath), new JsonDocumentOptions { AllowTrailingCommas = true });
        var root = config.RootElement;
        string Raw(string key) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v) ? v.GetRawText() : "";
        return $"bos={Raw("bos_token_id")};eos={Raw("eos_token_id")}";
    }
}
