using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class SentencePieceBpeTests
{
    private const string ModelPath = "test/tokenizer.model";

    private static SentencePieceBpe Encoder(SentencePieceModelBuilder builder, IReadOnlyDictionary<string, int>? addedTokens = null) =>
        SentencePieceBpe.Create(SentencePieceModelFile.Read(builder.Build(), ModelPath), ModelPath, addedTokens ?? new Dictionary<string, int>());

    [Fact]
    public void User_defined_symbols_match_longest_first_whatever_their_order()
    {
        var builder = new SentencePieceModelBuilder();
        int one = builder.Add("\n", type: SentencePieceModelBuilder.UserDefined);
        int two = builder.Add("\n\n", type: SentencePieceModelBuilder.UserDefined);
        int three = builder.Add("\n\n\n", type: SentencePieceModelBuilder.UserDefined);
        int a = builder.Add("a");

        Assert.Equal([three, two], Encoder(builder).Encode("\n\n\n\n\n"));
        Assert.Equal([two, a, one], Encoder(builder).Encode("\n\na\n"));
    }

    [Fact]
    public void User_defined_symbols_are_never_merged_with_their_neighbours()
    {
        var builder = new SentencePieceModelBuilder();
        int lt = builder.Add("<");
        int t = builder.Add("t");
        int turn = builder.Add("<t>", type: SentencePieceModelBuilder.UserDefined);
        builder.Add("<t", -1);
        int gt = builder.Add(">");

        Assert.Equal([lt, turn, gt], Encoder(builder).Encode("<<t>>"));
        Assert.Equal([t, turn], Encoder(builder).Encode("t<t>"));
    }

    [Fact]
    public void Equal_scores_merge_the_leftmost_pair_first()
    {
        var builder = new SentencePieceModelBuilder();
        int dash = builder.Add("-", -5);
        int twoDashes = builder.Add("--", -1);

        // ML.Tokenizers merged the rightmost pair and gave [-, --].
        Assert.Equal([twoDashes, dash], Encoder(builder).Encode("---"));
        Assert.Equal([twoDashes, twoDashes, dash], Encoder(builder).Encode("-----"));
    }

    [Fact]
    public void Higher_scores_merge_first()
    {
        var builder = new SentencePieceModelBuilder();
        builder.Add("a", -9);
        int b = builder.Add("b", -9);
        int ab = builder.Add("ab", -2);
        builder.Add("ba", -1);
        int bab = builder.Add("bab", -3);

        Assert.Equal([ab, bab], Encoder(builder).Encode("abbab"));
        Assert.Equal([ab, b], Encoder(builder).Encode("abb"));
    }

    [Fact]
    public void Unused_pieces_help_merging_but_are_split_again()
    {
        var builder = new SentencePieceModelBuilder();
        int a = builder.Add("a");
        int b = builder.Add("b");
        builder.Add("c");
        builder.Add("ab", -1, SentencePieceModelBuilder.Unused);
        int abc = builder.Add("abc", -2);

        Assert.Equal([abc], Encoder(builder).Encode("abc"));
        Assert.Equal([a, b], Encoder(builder).Encode("ab"));
        Assert.Equal([a, b, abc], Encoder(builder).Encode("ababc"));
    }

    [Fact]
    public void Unknown_characters_fall_back_to_their_utf8_bytes()
    {
        var builder = new SentencePieceModelBuilder { ByteFallback = true };
        int a = builder.Add("a");
        int byte0 = builder.AddBytes();

        Assert.Equal([a, byte0 + 0xC3, byte0 + 0xA9, byte0 + 0xF0, byte0 + 0x9F, byte0 + 0x99, byte0 + 0x82], Encoder(builder).Encode("aé🙂"));
    }

    [Fact]
    public void Without_byte_fallback_a_run_of_unknown_characters_is_one_unknown_token()
    {
        var builder = new SentencePieceModelBuilder();
        int a = builder.Add("a");

        Assert.Equal([0, a, 0], Encoder(builder).Encode("éé🙂a€"));
    }

    [Fact]
    public void Dummy_prefix_and_escaped_spaces_are_part_of_the_pieces()
    {
        var builder = new SentencePieceModelBuilder { AddDummyPrefix = true };
        int space = builder.Add("▁");
        int word = builder.Add("▁a", 1);
        builder.Add("a");

        Assert.Equal([word, space, word, space], Encoder(builder).Encode("a  a "));
        Assert.Empty(Encoder(builder).Encode(""));
    }

    [Fact]
    public void Added_tokens_are_matched_like_user_defined_symbols()
    {
        var builder = new SentencePieceModelBuilder { AddDummyPrefix = true };
        int space = builder.Add("▁");
        int word = builder.Add("▁a", 1);
        int a = builder.Add("a");

        // As with sentencepiece's own user-defined symbols: one dummy prefix for the whole text, not one per segment.
        var added = new Dictionary<string, int> { ["<s>"] = 100, ["<x y>"] = 101 };
        Assert.Equal([space, 100, a, 101, word], Encoder(builder, added).Encode("<s>a<x y> a"));
    }

    [Theory]
    [InlineData(1, "UNIGRAM")]
    [InlineData(3, "WORD")]
    [InlineData(4, "CHAR")]
    public void Other_model_types_are_refused_naming_the_file(int modelType, string name)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), new SentencePieceModelBuilder { ModelType = modelType }.Build());

        var e = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "tokenizer.model"), e.Message);
        Assert.Contains($"model_type {name}", e.Message);
    }

    [Theory]
    [InlineData("nmt_nfkc", new byte[] { 1, 2, 3, 4, 5 })]
    [InlineData("nfkc_cf", new byte[0])]
    public void Normalizers_other_than_identity_are_refused_naming_the_file(string name, byte[] charsmap)
    {
        using var dir = new TempDir();
        var builder = new SentencePieceModelBuilder { NormalizerName = name, PrecompiledCharsmap = charsmap };
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), builder.Build());

        var e = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "tokenizer.model"), e.Message);
        Assert.Contains($"normalizer \"{name}\"", e.Message);
    }

    [Fact]
    public void Byte_fallback_without_all_byte_pieces_is_refused()
    {
        var builder = new SentencePieceModelBuilder { ByteFallback = true };
        builder.Add("<0x00>", 0, SentencePieceModelBuilder.Byte);

        var e = Assert.Throws<DisdException>(() => Encoder(builder));
        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("<0x01>", e.Message);
    }
}
