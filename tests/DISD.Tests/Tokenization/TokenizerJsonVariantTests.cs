using System.Text.Json.Nodes;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>
/// Hand-made tokenizer.json files whose expected ids follow from the BPE rules by hand (and agree with Hugging Face
/// tokenizers 0.23.2 on the same files), and the wrapper's handling of post-processors and malformed files.
/// </summary>
public class TokenizerJsonVariantTests
{
    private static JsonObject TinyTokenizerJson(bool ignoreMerges = false) => new()
    {
        ["version"] = "1.0",
        ["added_tokens"] = new JsonArray(),
        ["normalizer"] = null,
        ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
        ["post_processor"] = null,
        ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["ignore_merges"] = ignoreMerges,
            ["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 1, ["c"] = 2, ["ab"] = 3, ["bc"] = 4, ["abc"] = 5, ["Ã"] = 6, ["©"] = 7, ["Ã©"] = 8, ["Ġ"] = 9 },
            ["merges"] = new JsonArray("b c", "a b", "Ã ©"),
        },
    };

    private static TextTokenizer Load(JsonObject tokenizerJson, string? tokenizerConfig = null)
    {
        using var dir = new TempDir();
        dir.Write("tokenizer.json", tokenizerJson.ToJsonString());
        if (tokenizerConfig is not null)
        {
            dir.Write("tokenizer_config.json", tokenizerConfig);
        }

        return TextTokenizer.Load(dir.Path);
    }

    private static void AddSpecialTokens(JsonObject json, params (int Id, string Content)[] tokens)
    {
        var added = json["added_tokens"]!.AsArray();
        foreach (var (id, content) in tokens)
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
    }

    [Fact]
    public void Merges_apply_by_rank()
    {
        var tokenizer = Load(TinyTokenizerJson());
        Assert.Equal([0, 4], tokenizer.Encode("abc", addSpecialTokens: false)); // "b c" (rank 0) first, then no merge "a bc"
        Assert.Equal([3], tokenizer.Encode("ab", addSpecialTokens: false));
        Assert.Equal([0, 4, 9, 0, 4], tokenizer.Encode("abc abc", addSpecialTokens: false));
        Assert.Equal("abc abc", tokenizer.Decode([0, 4, 9, 0, 4]));
    }

    [Fact]
    public void Ignore_merges_emits_whole_vocabulary_words()
    {
        var tokenizer = Load(TinyTokenizerJson(ignoreMerges: true));
        Assert.Equal([5], tokenizer.Encode("abc", addSpecialTokens: false));
        Assert.Equal([5, 9, 0, 4], tokenizer.Encode("abc abc", addSpecialTokens: false)); // "Ġabc" is no vocabulary word
        Assert.Equal([4, 0], tokenizer.Encode("bca", addSpecialTokens: false)); // not a word of the vocabulary: merges as usual
    }

    [Fact]
    public void Nfc_normalizer_composes_decomposed_text()
    {
        var json = TinyTokenizerJson();
        json["normalizer"] = new JsonObject { ["type"] = "NFC" };
        var tokenizer = Load(json);
        Assert.Equal([8], tokenizer.Encode("\u00e9", addSpecialTokens: false));
        Assert.Equal([8], tokenizer.Encode("e\u0301", addSpecialTokens: false));
        Assert.Equal([3, 8, 9, 4], tokenizer.Encode("abe\u0301 bc", addSpecialTokens: false));
        Assert.Equal("\u00e9", tokenizer.Decode([8]));
    }

    [Fact]
    public void Template_post_processor_adds_its_tokens_and_names_the_bos()
    {
        var json = TinyTokenizerJson();
        AddSpecialTokens(json, (10, "<|begin_of_text|>"));
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [10], "tokens": ["<|begin_of_text|>"]}}}]}
            """);
        var tokenizer = Load(json);
        Assert.Equal(10, tokenizer.BosId);
        Assert.Equal([10, 3], tokenizer.Encode("ab"));
        Assert.Equal([3], tokenizer.Encode("ab", addSpecialTokens: false));
    }

    [Fact]
    public void Llama3_special_tokens_select_the_llama3_chat_template()
    {
        var json = TinyTokenizerJson();
        AddSpecialTokens(json, (10, "<|start_header_id|>"), (11, "<|end_header_id|>"), (12, "<|eot_id|>"));
        var tokenizer = Load(json, """{"eos_token": "<|eot_id|>"}""");
        Assert.Equal(ChatTemplateFamily.Llama3, tokenizer.ChatFamily);
        Assert.Equal(12, tokenizer.ChatEndOfTurnId);
        Assert.Equal([12], tokenizer.EosIds);
        string prompt = tokenizer.EncodeChat("abc", DateTime.UnixEpoch).Text;
        Assert.Equal("<|start_header_id|>user<|end_header_id|>\n\nabc<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", prompt);
        Assert.Equal([10, 11, 12], tokenizer.Encode("<|start_header_id|><|end_header_id|><|eot_id|>", addSpecialTokens: false));
    }

    [Fact]
    public void Chatml_special_tokens_select_the_chatml_template()
    {
        var json = TinyTokenizerJson();
        AddSpecialTokens(json, (10, "<|im_start|>"), (11, "<|im_end|>"));
        var tokenizer = Load(json, """{"add_bos_token": false, "bos_token": null, "eos_token": "<|im_end|>"}""");
        Assert.Equal(ChatTemplateFamily.ChatMl, tokenizer.ChatFamily);
        Assert.Equal(11, tokenizer.ChatEndOfTurnId);
        Assert.Null(tokenizer.BosId);
        Assert.Equal("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nabc<|im_end|>\n<|im_start|>assistant\n",
            tokenizer.EncodeChat("abc", DateTime.UnixEpoch).Text);
        Assert.Equal([10, 0, 4, 11], tokenizer.Encode("<|im_start|>abc<|im_end|>", addSpecialTokens: false));
        Assert.Equal("abc", tokenizer.Decode([10, 0, 4, 11]));
    }

    [Fact]
    public void Add_bos_and_add_eos_in_the_config_rebuild_the_post_processor_as_transformers_5_does()
    {
        var json = TinyTokenizerJson();
        AddSpecialTokens(json, (10, "<s>"), (11, "</s>"));
        json["post_processor"] = JsonNode.Parse("""
            {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<s>": {"id": "<s>", "ids": [10], "tokens": ["<s>"]}}}
            """);
        Assert.Equal([10, 3], Load(json, """{"tokenizer_class": "PreTrainedTokenizerFast"}""").Encode("ab"));
        Assert.Equal([3], Load(json, """{"tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": false}""").Encode("ab"));
        Assert.Equal([10, 3], Load(json, """{"tokenizer_class": "GemmaTokenizerFast", "bos_token": "<s>"}""").Encode("ab"));
        var llama = Load(json,
            """{"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>", "add_bos_token": false, "add_eos_token": true}""");
        Assert.Equal([3, 11], llama.Encode("ab"));
        Assert.Equal([3], llama.Encode("ab", addSpecialTokens: false));
    }

    [Fact]
    public void A_model_type_the_library_does_not_know_names_the_file()
    {
        var json = TinyTokenizerJson();
        json["model"]!["type"] = "Trigram";
        var error = Assert.Throws<DisdException>(() => Load(json));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("tokenizers library cannot load", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Subword_affixes_are_handled_by_the_library()
    {
        var json = TinyTokenizerJson();
        json["model"]!["continuing_subword_prefix"] = "";
        json["model"]!["end_of_word_suffix"] = "";
        Assert.Equal([0, 4], Load(json).Encode("abc", addSpecialTokens: false));
    }

    [Fact]
    public void An_unknown_post_processor_names_the_file_and_the_type()
    {
        var json = TinyTokenizerJson();
        json["post_processor"] = JsonNode.Parse("""{"type": "Shuffle"}""");
        var error = Assert.Throws<DisdException>(() => Load(json));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("Shuffle", error.Message);
    }

    [Fact]
    public void Lone_surrogates_in_the_text_are_refused_with_the_file()
    {
        var tokenizer = Load(TinyTokenizerJson());
        var error = Assert.Throws<DisdException>(() => tokenizer.Encode("a\ud800b"));
        Assert.Contains("tokenizer.json", error.Message);
    }

    [Fact]
    public void Wrongly_typed_values_are_reported_with_the_file()
    {
        var json = TinyTokenizerJson();
        json["model"]!["vocab"]!["a"] = "zero";
        var error = Assert.Throws<DisdException>(() => Load(json));
        Assert.Contains("tokenizer.json", error.Message);
    }

    [Fact]
    public void Folder_without_tokenizer_files_is_reported()
    {
        using var dir = new TempDir();
        var error = Assert.Throws<DisdException>(() => TextTokenizer.Load(dir.Path));
        Assert.Contains(dir.Path, error.Message);
        Assert.Contains("tokenizer.model", error.Message);
    }
}
