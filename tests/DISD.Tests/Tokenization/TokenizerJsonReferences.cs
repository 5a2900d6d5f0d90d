using System.Text.Json;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>One reference encoding of a real tokenizer.json (fixtures/tokenizers-real, made by scripts/fidelity).</summary>
public sealed record TokenizerJsonCase(string Name, string Text, int[] Ids, int[] IdsNoSpecial, string Decoded, bool Suspect)
{
    public override string ToString() => Name;
}

/// <summary>
/// The real tokenizer.json files of Llama-3, Llama-3.1, Qwen3, Gemma-3 and Mistral-7B with the ids transformers.js
/// (@lenml/tokenizers) gives. The files are stored xz-compressed and unpacked once into the test output folder;
/// a missing asset fails the tests that use it.
/// </summary>
internal static class TokenizerJsonReferences
{
    public static readonly string[] Names = ["llama3", "llama3_1", "qwen3", "gemma3", "mistral7b"];

    private static readonly Dictionary<string, Lazy<TextTokenizer>> Tokenizers =
        Names.ToDictionary(name => name, name => new Lazy<TextTokenizer>(() => TextTokenizer.Load(Unpack(name))));

    private static readonly Dictionary<string, Lazy<IReadOnlyList<TokenizerJsonCase>>> Files =
        Names.ToDictionary(name => name, name => new Lazy<IReadOnlyList<TokenizerJsonCase>>(() => ReadCases(name)));

    public static string FixtureDir(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "tokenizers-real", name);

    public static TextTokenizer Tokenizer(string name) => Tokenizers[name].Value;

    public static IReadOnlyList<TokenizerJsonCase> Cases(string name) => Files[name].Value;

    public static TheoryData<string, int> AllCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Names)
        {
            for (int i = 0; i < Cases(name).Count; i++)
            {
                data.Add(name, i);
            }
        }

        return data;
    }

    private static IReadOnlyList<TokenizerJsonCase> ReadCases(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir(name), "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(ReadCase).ToList();
    }

    /// <summary>
    /// The reference runs split regexes as JavaScript RegExp, whose \s differs from Oniguruma's (U+FEFF, U+0085);
    /// where that changes the ids the script marked the case suspect and also recorded the Oniguruma split
    /// (<c>alt_ids</c>), which is what the tokenizers library computes.
    /// </summary>
    private static TokenizerJsonCase ReadCase(JsonElement c)
    {
        bool suspect = c.TryGetProperty("suspect", out var s) && s.ValueKind == JsonValueKind.True;
        int[] Ids(string property) => c.GetProperty(suspect ? "alt_" + property : property).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new TokenizerJsonCase(
            c.GetProperty("name").GetString()!, c.GetProperty("text").GetString()!, Ids("ids"), Ids("ids_no_special"),
            c.GetProperty("decoded").GetString()!, suspect);
    }

    /// <summary>The fixture folder with every <c>*.xz</c> unpacked, in the test output folder.</summary>
    private static string Unpack(string name) => XzFixtures.Unpack(FixtureDir(name), Path.Combine(AppContext.BaseDirectory, "extracted", name));
}
