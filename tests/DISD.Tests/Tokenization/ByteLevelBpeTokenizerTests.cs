using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class ByteLevelBpeTokenizerTests
{
    private const string Fixture = "bytelevel-bpe";
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() => TextTokenizer.Load(TokenizerFixtures.Dir(Fixture)));
    private static readonly IReadOnlyList<TokenizerCase> Cases = TokenizerFixtures.Cases(Fixture);

    public static TheoryData<int> CaseIndices => TokenizerFixtures.CaseIndices(Fixture);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_matches_hugging_face_tokenizers(int index)
    {
        var c = Cases[index];
        Assert.Equal(c.Ids, Tokenizer.Value.Encode(c.Text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Decode_matches_hugging_face_tokenizers(int index)
    {
        var c = Cases[index];
        Assert.Equal(c.Decoded, Tokenizer.Value.Decode(c.Ids));
    }

    public static TheoryData<int> ExtraCaseIndices => new(Enumerable.Range(0, ExtraCases.Count));

    private static IReadOnlyList<(string Text, int[] Ids)> ExtraCases { get; } =
        System.Text.Json.JsonDocument.Parse(ByteLevelExtraCases.Json).RootElement.EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))
            .ToList();

    [Theory]
    [MemberData(nameof(ExtraCaseIndices))]
    public void Extra_cases_match_hugging_face_tokenizers_and_round_trip(int index)
    {
        var (text, ids) = ExtraCases[index];
        Assert.Equal(ids, Tokenizer.Value.Encode(text, addSpecialTokens: false));
        Assert.Equal(text, Tokenizer.Value.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Characters_outside_the_bmp_pre_tokenize_as_code_points()
    {
        using var dir = new TempDir();
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerFixtures.Dir(Fixture), "tokenizer.json")))!;
        json["model"]!["vocab"]!["ĢL"] = 2048;
        json["model"]!["merges"]!.AsArray().Insert(0, new System.Text.Json.Nodes.JsonArray("Ģ", "L"));
        dir.Write("tokenizer.json", json.ToJsonString());
        var tokenizer = TextTokenizer.Load(dir.Path);

        foreach (var c in System.Text.Json.JsonDocument.Parse(ByteLevelExtraCases.AstralMergeJson).RootElement.EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            int[] expected = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.True(expected.SequenceEqual(tokenizer.Encode(text, addSpecialTokens: false)),
                $"{text}: expected {string.Join(",", expected)}, got {string.Join(",", tokenizer.Encode(text, addSpecialTokens: false))}");
        }
    }

    [Fact]
    public void Vocabulary_and_added_tokens_are_read_from_tokenizer_json()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal(2048, tokenizer.VocabSize);
        Assert.Equal("Ġis", tokenizer.TokenText(261));
        Assert.Equal("<|begin_of_text|>", tokenizer.TokenText(0));
        Assert.Equal([0, 73, 74, 1], tokenizer.Encode("<|begin_of_text|>hi<|end_of_text|>", addSpecialTokens: false));
        Assert.Equal("hi", tokenizer.Decode([0, 73, 74, 1]));
        Assert.Equal("<|begin_of_text|>hi<|end_of_text|>", tokenizer.Decode([0, 73, 74, 1], skipSpecialTokens: false));
    }

    [Fact]
    public void Without_config_there_is_no_bos_to_add()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Null(tokenizer.BosId);
        Assert.Empty(tokenizer.EosIds);
        Assert.Equal(tokenizer.Encode("a", addSpecialTokens: false), tokenizer.Encode("a", addSpecialTokens: true));
        Assert.Null(tokenizer.ChatFamily);
        Assert.Null(tokenizer.ChatEndOfTurnId);
        var error = Assert.Throws<DisdException>(() => tokenizer.EncodeChat("hi", DateTime.UnixEpoch));
        Assert.Contains("no chat template", error.Message);
        Assert.Contains("without --chat", error.Message);
    }

    [Fact]
    public void Tokenizer_config_sets_bos_eos_and_add_bos()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir(Fixture), "tokenizer.json"));
        dir.Write("tokenizer_config.json", """{"add_bos_token": true, "bos_token": "<|begin_of_text|>", "eos_token": {"content": "<|end_of_text|>"}}""");
        dir.Write("generation_config.json", """{"eos_token_id": [1, 7]}""");
        var tokenizer = TextTokenizer.Load(dir.Path);
        Assert.Equal(0, tokenizer.BosId);
        Assert.Equal([1, 7], tokenizer.EosIds);
        var c = Cases[0];
        Assert.Equal([0, .. c.Ids], tokenizer.Encode(c.Text));
        Assert.Equal(c.Ids, tokenizer.Encode(c.Text, addSpecialTokens: false));
    }
}
