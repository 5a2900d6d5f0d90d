using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class TokenizerConfigTests
{
    [Fact]
    public void Sentencepiece_tokenizer_honours_tokenizer_config()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir("sp-bpe"), "tokenizer.model"));
        dir.Write("tokenizer_config.json", """
            {"add_bos_token": false, "bos_token": "<bos>", "eos_token": "<eos>",
             "added_tokens_decoder": {"2": {"content": "<bos>", "special": true}, "4": {"content": "<start_of_turn>", "special": true}}}
            """);
        dir.Write("generation_config.json", """{"eos_token_id": [1, 5]}""");
        var tokenizer = TextTokenizer.Load(dir.Path);

        Assert.Equal(2, tokenizer.BosId);
        Assert.Equal([1, 5], tokenizer.EosIds);
        Assert.Equal([2, 4, 300, 268], tokenizer.Encode("<bos><start_of_turn>user"));
        Assert.Equal("user<end_of_turn>", tokenizer.Decode([2, 4, 300, 268, 5]));
    }

    [Fact]
    public void Malformed_config_names_the_file()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir("sp-bpe"), "tokenizer.model"));
        dir.Write("tokenizer_config.json", "{ not json");
        var error = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains("tokenizer_config.json", error.Message);
    }

    [Fact]
    public void Corrupt_sentencepiece_model_names_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), [0x0A, 0x7F, 0x01]);
        var error = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains("tokenizer.model", error.Message);
    }
}
