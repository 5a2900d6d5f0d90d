using NativeTokenizer = Tokenizers.DotNet.Tokenizer;
using NativeTokenizerException = Tokenizers.DotNet.TokenizerException;

namespace DISD.Tokenization;

/// <summary>
/// A <c>tokenizer.json</c> run by the Hugging Face <c>tokenizers</c> library itself (Rust, through Tokenizers.DotNet),
/// which is what AutoTokenizer's fast tokenizers run. Chosen over Microsoft.ML.Tokenizers for this format because it
/// is exact by construction on every model, normalizer (NFC/NFKC in Rust, no ICU needed under InvariantGlobalization),
/// pre-tokenizer, added-token flag and post-processor the format has; Microsoft.ML.Tokenizers has no tokenizer.json
/// reader, so glue code re-implementing those pieces drifted from transformers. Measured on the real files of
/// fixtures/tokenizers-real (94 strings each, transformers.js ids): this library 470 of 470 exact; the former
/// Microsoft.ML.Tokenizers glue 94/94 on Llama-3 and Llama-3.1, 89/94 on Qwen3 (no NFC under InvariantGlobalization),
/// and it could not load Gemma-3's or Mistral's SentencePiece-style files (byte fallback, Metaspace) at all.
/// The binding's API is small: <c>Encode</c> always applies the post-processor and <c>Decode</c> always skips special
/// tokens, so this class strips the post-processor's tokens (read from the file) and decodes around special tokens.
/// </summary>
internal sealed class HuggingFaceTokenizerJson
{
    private readonly NativeTokenizer _native;
    private readonly string _path;

    private HuggingFaceTokenizerJson(string path, NativeTokenizer native, TokenizerJsonContents contents)
    {
        _path = path;
        _native = native;
        Contents = contents;
    }

    public TokenizerJsonContents Contents { get; }

    public static HuggingFaceTokenizerJson Load(string path)
    {
        // The Hugging Face library parses its copy on another core while this reads the file for its own checks; at
        // V = 262k each parse takes about as long as the other, so the load takes one instead of two.
        var parsing = Task.Run(() => new NativeTokenizer(path));
        TokenizerJsonContents contents;
        try
        {
            contents = TokenizerJsonContents.Read(path);
        }
        catch
        {
            parsing.ContinueWith(static task => task.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        NativeTokenizer native;
        try
        {
            native = parsing.GetAwaiter().GetResult();
        }
        catch (NativeTokenizerException e)
        {
            throw new DisdException($"{path}: the Hugging Face tokenizers library cannot load this tokenizer.json ({OneLine(e.Message)}).", e);
        }

        var tokenizer = new HuggingFaceTokenizerJson(path, native, contents);
        tokenizer.CheckPostProcessorTokens();
        return tokenizer;
    }

    /// <summary>Ids of <paramref name="text"/> as <c>tokenizer(text, add_special_tokens=…)["input_ids"]</c> gives them.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        int[] ids = EncodeWithPostProcessor(text);
        if (addSpecialTokens)
        {
            return ids;
        }

        int prefix = Contents.PostProcessorPrefix.Count;
        int suffix = Contents.PostProcessorSuffix.Count;
        return ids.AsSpan(prefix, ids.Length - prefix - suffix).ToArray();
    }

    /// <summary>
    /// Text of <paramref name="ids"/>. The library always leaves special tokens out; when they are wanted, the runs
    /// between them are decoded separately and the special tokens' own text is put back in between.
    /// </summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        if (skipSpecialTokens)
        {
            return DecodeRun(ids);
        }

        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if (Contents.SpecialIds.Contains(id))
            {
                text.Append(DecodeRun(run)).Append(Contents.TokenTexts[id]);
                run.Clear();
            }
            else
            {
                run.Add(id);
            }
        }

        return text.Append(DecodeRun(run)).ToString();
    }

    private int[] EncodeWithPostProcessor(string text)
    {
        uint[] ids;
        try
        {
            ids = _native.Encode(text);
        }
        catch (NativeTokenizerException e)
        {
            throw new DisdException($"{_path}: cannot tokenize the text ({OneLine(e.Message)}); the text must be valid Unicode.", e);
        }

        return Array.ConvertAll(ids, id => (int)id);
    }

    private string DecodeRun(IReadOnlyList<int> ids) => ids.Count == 0 ? "" : _native.Decode(ids.Select(id => (uint)id).ToArray());

    /// <summary>The post-processor read from the file must be what the library adds around an empty text.</summary>
    private void CheckPostProcessorTokens()
    {
        int[] empty = EncodeWithPostProcessor("");
        int[] expected = [.. Contents.PostProcessorPrefix, .. Contents.PostProcessorSuffix];
        if (!empty.SequenceEqual(expected))
        {
            throw new DisdException(
                $"{_path}: the post_processor adds [{string.Join(",", empty)}] around a text, not the [{string.Join(",", expected)}] read from the file; "
                    + "this post_processor is not supported.");
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
