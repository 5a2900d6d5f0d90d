using System.Text.Json.Nodes;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class VocabularyCheckTests
{
    private static readonly Lazy<TextTokenizer> SentencePiece = new(() => TextTokenizer.Load(TokenizerFixtures.Dir("sp-bpe")));
    private static readonly Lazy<TextTokenizer> ByteLevel = new(() => TextTokenizer.Load(TokenizerFixtures.Dir("bytelevel-bpe")));

    [Fact]
    public void Same_tokenizer_in_different_folders_is_compatible()
    {
        var demo = TextTokenizer.Load(Path.Combine(TokenizerFixtures.RepoRoot(), "models", "gemma2-wordnet-small"));
        Assert.Equal(VocabularyCheck.Digest(SentencePiece.Value), VocabularyCheck.Digest(demo));
        Assert.Equal(4096, VocabularyCheck.SharedVocabularySize([new("large", SentencePiece.Value, 4096), new("small", demo, 4096)]));
    }

    [Fact]
    public void Padded_embeddings_are_compared_on_the_shared_range()
    {
        // Like Qwen2.5-0.5B (151,936 rows) vs 7B (152,064 rows) over one 151,665-token tokenizer.
        var tokenizer = ByteLevel.Value;
        Assert.Equal(2176, VocabularyCheck.SharedVocabularySize([new("7b", tokenizer, 2304), new("0.5b", tokenizer, 2176)]));
        Assert.Equal(2048, VocabularyCheck.SharedVocabularySize([new("a", tokenizer, 2048), new("b", tokenizer, 2176), new("c", tokenizer, 4096)]));
    }

    [Fact]
    public void Embedding_smaller_than_the_tokenizer_is_rejected()
    {
        var error = Assert.Throws<DisdException>(() => VocabularyCheck.SharedVocabularySize([new("tiny", ByteLevel.Value, 2000)]));
        Assert.Contains("tiny", error.Message);
        Assert.Contains("2000", error.Message);
    }

    [Fact]
    public void Different_vocabulary_sizes_are_rejected()
    {
        var error = Assert.Throws<DisdException>(() =>
            VocabularyCheck.SharedVocabularySize([new("gemma-like", SentencePiece.Value, 4096), new("llama-like", ByteLevel.Value, 4096)]));
        Assert.Contains("gemma-like", error.Message);
        Assert.Contains("llama-like", error.Message);
        Assert.Contains("4096 vs 2048", error.Message);
    }

    [Fact]
    public void Same_size_with_swapped_tokens_is_rejected_at_the_first_differing_id()
    {
        var original = ByteLevel.Value;
        using var dir = new TempDir();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerFixtures.Dir("bytelevel-bpe"), "tokenizer.json")))!;
        var vocab = json["model"]!["vocab"]!.AsObject();
        vocab["Ġis"] = 283;
        vocab["Ġthe"] = 261;
        dir.Write("tokenizer.json", json.ToJsonString());
        var swapped = TextTokenizer.Load(dir.Path);

        Assert.Equal(original.VocabSize, swapped.VocabSize);
        Assert.NotEqual(VocabularyCheck.Digest(original), VocabularyCheck.Digest(swapped));
        var error = Assert.Throws<DisdException>(() =>
            VocabularyCheck.SharedVocabularySize([new("a", original, 2048), new("b", swapped, 2048)]));
        Assert.Contains("token 261 is \"Ġis\" vs \"Ġthe\"", error.Message);
    }
}
