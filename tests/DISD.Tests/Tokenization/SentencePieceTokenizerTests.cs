using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class SentencePieceTokenizerTests
{
    private const string Fixture = "sp-bpe";
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() => TextTokenizer.Load(TokenizerFixtures.Dir(Fixture)));
    private static readonly IReadOnlyList<TokenizerCase> Cases = TokenizerFixtures.Cases(Fixture);

    public static TheoryData<int> CaseIndices => TokenizerFixtures.CaseIndices(Fixture);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_matches_sentencepiece(int index)
    {
        var c = Cases[index];
        Assert.Equal(c.Ids, Tokenizer.Value.Encode(c.Text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Decode_matches_sentencepiece(int index)
    {
        var c = Cases[index];
        Assert.Equal(c.Decoded, Tokenizer.Value.Decode(c.Ids));
    }

    public static TheoryData<int> ExtraCaseIndices => new(Enumerable.Range(0, ExtraCases.Count));

    private static IReadOnlyList<TokenizerCase> ExtraCases { get; } =
        System.Text.Json.JsonDocument.Parse(SentencePieceExtraCases.Json).RootElement.EnumerateArray()
            .Select(c => new TokenizerCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("decoded").GetString()!))
            .ToList();

    [Theory]
    [MemberData(nameof(ExtraCaseIndices))]
    public void Extra_cases_match_sentencepiece(int index)
    {
        var c = ExtraCases[index];
        Assert.Equal(c.Ids, Tokenizer.Value.Encode(c.Text, addSpecialTokens: false));
        Assert.Equal(c.Decoded, Tokenizer.Value.Decode(c.Ids));
    }

    [Fact]
    public void Fixture_covers_the_tricky_cases()
    {
        Assert.True(Cases.Count >= 15);
        Assert.Contains(Cases, c => c.Text.Contains("<start_of_turn>"));
        Assert.Contains(Cases, c => c.Text.Length == 0);
    }

    [Fact]
    public void Turn_markers_are_single_user_defined_tokens()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal([4], tokenizer.Encode("<start_of_turn>", addSpecialTokens: false));
        Assert.Equal([5], tokenizer.Encode("<end_of_turn>", addSpecialTokens: false));
        Assert.Equal("<start_of_turn>", tokenizer.TokenText(4));
        Assert.Equal("<end_of_turn>", tokenizer.TokenText(5));
    }

    [Fact]
    public void Special_ids_and_vocabulary_come_from_the_model_proto()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal(4096, tokenizer.VocabSize);
        Assert.Equal(2, tokenizer.BosId);
        Assert.Equal([1], tokenizer.EosIds);
        Assert.Equal("▁is", tokenizer.TokenText(265));
        Assert.Equal("<0x21>", tokenizer.TokenText(39));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(4096));
    }

    [Fact]
    public void Bos_is_prepended_only_when_asked()
    {
        var tokenizer = Tokenizer.Value;
        var c = Cases[0];
        Assert.Equal([2, .. c.Ids], tokenizer.Encode(c.Text, addSpecialTokens: true));
        Assert.Equal([2, .. c.Ids], tokenizer.Encode(c.Text));
        Assert.Equal(c.Ids, tokenizer.Encode(c.Text, addSpecialTokens: false));
    }

    [Fact]
    public void Decode_hides_control_tokens_unless_asked()
    {
        var tokenizer = Tokenizer.Value;
        int[] ids = [2, 4, 300, 268, 5, 1];
        Assert.Equal("<start_of_turn>user<end_of_turn>", tokenizer.Decode(ids));
        Assert.Equal("<bos><start_of_turn>user<end_of_turn><eos>", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("user", tokenizer.Decode([300, 268, 4096, 5000]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([300, 4096], skipSpecialTokens: false));
    }

    [Fact]
    public void Without_a_checkpoint_template_the_built_in_gemma_template_wraps_the_turns()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir("sp-bpe"), "tokenizer.model"));
        dir.Write("tokenizer_config.json", """{"bos_token": "<bos>", "eos_token": "<eos>"}""");
        var tokenizer = TextTokenizer.Load(dir.Path);
        Assert.Null(tokenizer.CheckpointChatTemplate);
        Assert.Equal(ChatTemplateFamily.Gemma, tokenizer.ChatFamily);
        Assert.Equal(5, tokenizer.ChatEndOfTurnId);
        var prompt = tokenizer.EncodeChat("hi", new DateTime(2024, 7, 26));
        Assert.Equal("<bos><start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n", prompt.Text);
        Assert.Equal("built-in gemma template", prompt.TemplateSource);
        Assert.Null(prompt.Date);
        Assert.Equal(tokenizer.Encode(prompt.Text, addSpecialTokens: false), prompt.Ids);
        Assert.Equal([2, 4], prompt.Ids.Take(2));
        Assert.Equal(2, prompt.Ids.Count(id => id == 4));
        Assert.Equal(1, prompt.Ids.Count(id => id == 5));

        var turns = tokenizer.EncodeChat(
            [new ChatMessage("system", "Be brief."), new ChatMessage("user", "hi"), new ChatMessage("assistant", " yes "), new ChatMessage("user", "more")],
            new DateTime(2024, 7, 26));
        Assert.Equal(
            "<bos><start_of_turn>user\nBe brief.\n\nhi<end_of_turn>\n<start_of_turn>model\nyes<end_of_turn>\n"
                + "<start_of_turn>user\nmore<end_of_turn>\n<start_of_turn>model\n",
            turns.Text);
    }

    [Fact]
    public void Demo_model_tokenizer_round_trips_a_question()
    {
        string dir = Path.Combine(TokenizerFixtures.RepoRoot(), "models", "gemma2-wordnet-large");
        var tokenizer = TextTokenizer.Load(dir);
        const string question = "What is the lower bound for sorting?";
        var ids = tokenizer.Encode(question);
        Assert.Equal([2, .. Cases.Single(c => c.Text == question).Ids], ids);
        Assert.Equal(question, tokenizer.Decode(ids));
        Assert.Equal(4096, tokenizer.VocabSize);
        Assert.Equal([1], tokenizer.EosIds);
    }
}
