namespace DISD.Tests.Tokenization;

/// <summary>Real tokenizer.json vocabularies encode exactly as AutoTokenizer (transformers.js as reference).</summary>
public class TokenizerJsonReferenceTests
{
    public static TheoryData<string, int> Cases => TokenizerJsonReferences.AllCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_with_special_tokens_matches_the_reference(string name, int index)
    {
        var c = TokenizerJsonReferences.Cases(name)[index];
        Assert.Equal(c.Ids, TokenizerJsonReferences.Tokenizer(name).Encode(c.Text));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_without_special_tokens_matches_the_reference(string name, int index)
    {
        var c = TokenizerJsonReferences.Cases(name)[index];
        Assert.Equal(c.IdsNoSpecial, TokenizerJsonReferences.Tokenizer(name).Encode(c.Text, addSpecialTokens: false));
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("llama3_1")]
    [InlineData("qwen3")]
    [InlineData("gemma3")]
    [InlineData("mistral7b")]
    public void Every_reference_file_has_the_tricky_strings(string name)
    {
        var cases = TokenizerJsonReferences.Cases(name);
        Assert.True(cases.Count >= 50, $"{name}: {cases.Count} cases");
        string[] required = ["\n\n", "    ", "\t", "cafe\u0301", "----", "👨‍👩‍👧‍👦", "", " "];
        foreach (string text in required)
        {
            Assert.Contains(cases, c => c.Text.Contains(text, StringComparison.Ordinal) && (text.Length > 0 || c.Text.Length == 0));
        }
    }

    [Fact]
    public void Nfc_is_applied_where_the_file_declares_it()
    {
        var qwen = TokenizerJsonReferences.Tokenizer("qwen3");
        Assert.Equal(qwen.Encode("caf\u00e9"), qwen.Encode("cafe\u0301"));
        Assert.Equal(qwen.Encode("\u00c5"), qwen.Encode("A\u030a"));
    }

    [Fact]
    public void Gemma3_whitespace_runs_are_single_tokens()
    {
        var gemma = TokenizerJsonReferences.Tokenizer("gemma3");
        Assert.Single(gemma.Encode("\n\n", addSpecialTokens: false));
        Assert.Single(gemma.Encode("    ", addSpecialTokens: false));
    }
}
