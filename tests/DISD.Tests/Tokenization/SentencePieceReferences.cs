using System.Security.Cryptography;
using System.Text.Json;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>
/// Reference encodings made by sentencepiece itself (compiled to WebAssembly) with
/// scripts/fidelity/sentencepiece/make-sentencepiece-references.mjs. A missing asset fails the tests that use it.
/// </summary>
internal static class SentencePieceReferences
{
    public const string Llama2 = "llama2-sp";
    public const string GemmaStyle = "sp-bpe";
    public const string GemmaStyleWithSymbols = "sp-bpe-symbols";

    private static readonly Lazy<string> Llama2Dir = new(ExtractLlama2);
    private static readonly Dictionary<string, Lazy<TextTokenizer>> Tokenizers = new()
    {
        [Llama2] = new(() => TextTokenizer.Load(Llama2Dir.Value)),
        [GemmaStyle] = new(() => TextTokenizer.Load(TokenizerFixtures.Dir(GemmaStyle))),
        [GemmaStyleWithSymbols] = new(() => TextTokenizer.Load(TokenizerFixtures.Dir(GemmaStyleWithSymbols))),
    };

    private static readonly Dictionary<string, Lazy<ReferenceFile>> Files = new()
    {
        [Llama2] = new(() => ReadFile(Path.Combine(Llama2FixtureDir, "cases.json"))),
        [GemmaStyle] = new(() => ReadFile(Path.Combine(TokenizerFixtures.Dir(GemmaStyle), "cases-sentencepiece-js.json"))),
        [GemmaStyleWithSymbols] = new(() => ReadFile(Path.Combine(TokenizerFixtures.Dir(GemmaStyleWithSymbols), "cases.json"))),
    };

    public static string Llama2FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "tokenizers-real", Llama2);

    public static TextTokenizer Tokenizer(string model) => Tokenizers[model].Value;

    public static ReferenceFile File(string model) => Files[model].Value;

    /// <summary>(model, case index) for every case of every reference file; computed when xunit enumerates them.</summary>
    public static TheoryData<string, int> AllCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string model in new[] { Llama2, GemmaStyle, GemmaStyleWithSymbols })
        {
            for (int i = 0; i < File(model).Cases.Count; i++)
            {
                data.Add(model, i);
            }
        }

        return data;
    }

    public static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(file)));

    private static ReferenceFile ReadFile(string path)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var root = doc.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray()
            .Select(c => new TokenizerCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("decoded").GetString()!))
            .ToList();
        return new ReferenceFile(root.GetProperty("reference").GetString()!, root.GetProperty("model_sha256").GetString()!, cases);
    }

    /// <summary>The Llama-2 model is stored xz-compressed; it is unpacked once into the test output folder.</summary>
    private static string ExtractLlama2() => XzFixtures.Unpack(Llama2FixtureDir, Path.Combine(AppContext.BaseDirectory, "extracted", Llama2));
}

internal sealed record ReferenceFile(string Reference, string ModelSha256, IReadOnlyList<TokenizerCase> Cases);
