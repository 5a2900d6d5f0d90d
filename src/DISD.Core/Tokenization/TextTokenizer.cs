namespace DISD.Tokenization;

/// <summary>
/// The tokenizer of a Hugging Face checkpoint folder, as AutoTokenizer loads it: <c>tokenizer.json</c> when present
/// (run by the Hugging Face tokenizers library), else SentencePiece <c>tokenizer.model</c>, encoded by
/// <see cref="SentencePieceBpe"/> (sentencepiece's own algorithm; with a Llama or Gemma tokenizer_config.json inside
/// transformers 5's added-token split and prefix rules, <see cref="SentencePieceChunkEncoder"/>) and decoded by
/// Microsoft.ML.Tokenizers.
/// </summary>
public sealed partial class TextTokenizer
{
    private readonly Func<string, bool, IReadOnlyList<int>> _encode;
    private readonly Func<IEnumerable<int>, string> _decodeIncludingSpecial;
    private readonly string[] _tokenTexts;
    private readonly IReadOnlyDictionary<string, int> _specialTokens;
    private readonly IReadOnlySet<int> _hiddenWhenDecoding;
    private readonly ChatTemplateFamily? _chatFamily;

    private TextTokenizer(
        string sourcePath,
        Func<string, bool, IReadOnlyList<int>> encode,
        Func<IEnumerable<int>, string> decodeIncludingSpecial,
        string[] tokenTexts,
        IReadOnlyDictionary<string, int> specialTokens,
        IReadOnlySet<int> hiddenWhenDecoding,
        int? bosId,
        IReadOnlyList<int> eosIds)
    {
        SourcePath = sourcePath;
        _encode = encode;
        _decodeIncludingSpecial = decodeIncludingSpecial;
        _tokenTexts = tokenTexts;
        _specialTokens = specialTokens;
        _hiddenWhenDecoding = hiddenWhenDecoding;
        BosId = bosId;
        EosIds = eosIds;
        _chatFamily = ChatTemplate.Detect(_specialTokens.ContainsKey);
    }

    /// <summary>The tokenizer.model or tokenizer.json this tokenizer was read from.</summary>
    public string SourcePath { get; }

    /// <summary>Number of token ids (highest id + 1, added tokens included).</summary>
    public int VocabSize => _tokenTexts.Length;

    public int? BosId { get; }

    /// <summary>Ids that end generation (tokenizer_config eos_token, config.json and generation_config.json eos_token_id).</summary>
    public IReadOnlyList<int> EosIds { get; }

    /// <summary>The built-in chat template that fits this tokenizer's special tokens, if any.</summary>
    public ChatTemplateFamily? ChatFamily => _chatFamily;

    /// <summary>
    /// The token that closes a turn in <see cref="ChatFamily"/>'s format (<c>&lt;end_of_turn&gt;</c>, <c>&lt;|eot_id|&gt;</c>,
    /// <c>&lt;|im_end|&gt;</c>); a chat reply should also stop there when the checkpoint's eos ids do not include it.
    /// </summary>
    public int? ChatEndOfTurnId => _chatFamily is { } family ? _specialTokens[ChatTemplate.EndOfTurnToken(family)] : null;

    /// <summary>
    /// Token ids of <paramref name="text"/> as <c>tokenizer(text, add_special_tokens=…)["input_ids"]</c> gives them:
    /// added tokens written in the text become their ids; with <paramref name="addSpecialTokens"/> the tokens the
    /// tokenizer puts around a text (its post-processor, or BOS per add_bos_token for tokenizer.model) are added.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _encode(text, addSpecialTokens);
    }

    /// <summary>
    /// Text of <paramref name="ids"/>. With <paramref name="skipSpecialTokens"/> control tokens (bos, eos, pad, tokens
    /// marked special) and ids beyond the vocabulary (padding rows of a larger embedding) are left out.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (skipSpecialTokens)
        {
            return _decodeIncludingSpecial(ids.Where(id => (uint)id < (uint)VocabSize && !_hiddenWhenDecoding.Contains(id)).ToList());
        }

        var list = ids.ToList();
        foreach (int id in list)
        {
            if ((uint)id >= (uint)VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is outside the vocabulary of {SourcePath} (size {VocabSize}).");
            }
        }

        return _decodeIncludingSpecial(list);
    }

    /// <summary>The vocabulary entry of <paramref name="id"/> as the tokenizer file spells it ("▁is", "Ġis", "&lt;0x0A&gt;").</summary>
    public string TokenText(int id) =>
        (uint)id < (uint)VocabSize
            ? _tokenTexts[id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is outside the vocabulary of {SourcePath} (size {VocabSize}).");

    /// <summary>The checkpoint's own chat template (chat_template.jinja or tokenizer_config.json), if it has one.</summary>
    public ChatTemplateText? CheckpointChatTemplate { get; private set; }

    /// <summary>bos_token, eos_token, unk_token, pad_token as tokenizer_config.json sets them (the template sees these).</summary>
    private IReadOnlyDictionary<string, string?> _specialTokenStrings = new Dictionary<string, string?>();

    /// <summary>
    /// The conversation rendered and encoded as <c>apply_chat_template(messages, add_generation_prompt=True,
    /// tokenize=True)</c> does: the checkpoint's template (else a built-in one for its family), then the text encoded
    /// without adding special tokens, since the template writes them. <paramref name="date"/> is what
    /// <c>strftime_now</c> returns, so a run is reproducible.
    /// </summary>
    public ChatPrompt EncodeChat(IReadOnlyList<ChatMessage> messages, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var template = CheckpointChatTemplate
            ?? (_chatFamily is { } family ? ChatTemplate.BuiltIn(family) : null)
            ?? throw new DisdException(
                $"{Path.GetDirectoryName(SourcePath)}: the checkpoint has no chat template (tokenizer_config.json chat_template or chat_template.jinja) "
                + "and no built-in one fits its special tokens (Gemma <start_of_turn>, Llama-3 <|start_header_id|>, ChatML <|im_start|>); give the prompt "
                    + "without --chat.");
        string text = ChatTemplateRenderer.Render(template, messages, addGenerationPrompt: true, _specialTokenStrings, date);
        bool readsDate = template.Text.Contains("strftime_now", StringComparison.Ordinal);
        return new ChatPrompt(text, Encode(text, addSpecialTokens: false), Path.GetFileName(template.SourcePath),
            readsDate ? DateOnly.FromDateTime(date) : null);
    }

    /// <summary>One user message as a chat prompt (<see cref="EncodeChat(IReadOnlyList{ChatMessage}, DateTime)"/>).</summary>
    public ChatPrompt EncodeChat(string userText, DateTime date) => EncodeChat([new ChatMessage("user", userText)], date);
}

/// <summary>
/// A rendered chat prompt: its text and ids, the template it came from (a file name, or "built-in … template"), and
/// the date <c>strftime_now</c> gave when the template reads the date (null otherwise).
/// </summary>
public sealed record ChatPrompt(string Text, IReadOnlyList<int> Ids, string TemplateSource, DateOnly? Date);
