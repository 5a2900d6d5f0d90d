using Microsoft.ML.Tokenizers;

namespace DISD.Tokenization;

/// <summary>
/// The tokenizer of a Hugging Face checkpoint folder: SentencePiece <c>tokenizer.model</c> (Gemma, Llama-2, Mistral)
/// or byte-level BPE <c>tokenizer.json</c> (Llama-3, Qwen2), both run by Microsoft.ML.Tokenizers.
/// </summary>
public sealed class TextTokenizer
{
    private readonly Func<string, IReadOnlyList<int>> _encodeWithoutBos;
    private readonly Func<IEnumerable<int>, string> _decodeIncludingSpecial;
    private readonly string[] _tokenTexts;
    private readonly IReadOnlyDictionary<string, int> _specialTokens;
    private readonly IReadOnlySet<int> _hiddenWhenDecoding;
    private readonly ChatTemplateFamily? _chatFamily;

    private TextTokenizer(
        string sourcePath,
        Func<string, IReadOnlyList<int>> encodeWithoutBos,
        Func<IEnumerable<int>, string> decodeIncludingSpecial,
        string[] tokenTexts,
        IReadOnlyDictionary<string, int> specialTokens,
        IReadOnlySet<int> hiddenWhenDecoding,
        int? bosId,
        IReadOnlyList<int> eosIds,
        bool addBosByDefault)
    {
        SourcePath = sourcePath;
        _encodeWithoutBos = encodeWithoutBos;
        _decodeIncludingSpecial = decodeIncludingSpecial;
        _tokenTexts = tokenTexts;
        _specialTokens = specialTokens;
        _hiddenWhenDecoding = hiddenWhenDecoding;
        BosId = bosId;
        EosIds = eosIds;
        AddBosByDefault = addBosByDefault;
        _chatFamily = ChatTemplate.Detect(_specialTokens.ContainsKey);
    }

    /// <summary>The tokenizer.model or tokenizer.json this tokenizer was read from.</summary>
    public string SourcePath { get; }

    /// <summary>Number of token ids (highest id + 1, added tokens included).</summary>
    public int VocabSize => _tokenTexts.Length;

    public int? BosId { get; }

    /// <summary>Ids that end generation (tokenizer_config eos_token, config.json and generation_config.json eos_token_id).</summary>
    public IReadOnlyList<int> EosIds { get; }

    /// <summary>Whether prompts of this model start with BOS (tokenizer_config <c>add_bos_token</c>).</summary>
    public bool AddBosByDefault { get; }

    /// <summary>The built-in chat template that fits this tokenizer's special tokens, if any.</summary>
    public ChatTemplateFamily? ChatFamily => _chatFamily;

    /// <summary>Reads the tokenizer of the checkpoint folder <paramref name="checkpointDir"/>.</summary>
    public static TextTokenizer Load(string checkpointDir)
    {
        if (!Directory.Exists(checkpointDir))
        {
            throw new DirectoryNotFoundException($"Checkpoint folder {checkpointDir} does not exist.");
        }

        var settings = TokenizerSettings.Read(checkpointDir);
        string sentencePiecePath = Path.Combine(checkpointDir, "tokenizer.model");
        string tokenizerJsonPath = Path.Combine(checkpointDir, "tokenizer.json");
        if (File.Exists(sentencePiecePath))
        {
            return FromSentencePiece(sentencePiecePath, settings);
        }

        if (File.Exists(tokenizerJsonPath))
        {
            return FromTokenizerJson(tokenizerJsonPath, settings);
        }

        throw new FileNotFoundException(
            $"{checkpointDir} has no tokenizer.model (SentencePiece) or tokenizer.json (byte-level BPE).", tokenizerJsonPath);
    }

    /// <summary>Token ids of <paramref name="text"/>; special tokens written in the text become their ids.</summary>
    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _encodeWithoutBos(text);
        if (!addBos)
        {
            return ids;
        }

        if (BosId is not { } bos)
        {
            throw new InvalidOperationException($"{SourcePath}: cannot add BOS, this tokenizer has no bos_token (tokenizer_config.json) or bos_token_id (config.json).");
        }

        var withBos = new List<int>(ids.Count + 1) { bos };
        withBos.AddRange(ids);
        return withBos;
    }

    /// <summary>Encodes with BOS when the model expects it (<see cref="AddBosByDefault"/>).</summary>
    public IReadOnlyList<int> Encode(string text) => Encode(text, AddBosByDefault);

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

    /// <summary>The prompt for one user message in the model's chat format (without BOS; encode with <see cref="Encode(string)"/>).</summary>
    public string ApplyChatTemplate(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        if (_chatFamily is not { } family)
        {
            throw new NotSupportedException(
                $"{SourcePath}: no built-in chat template fits this tokenizer (known: Gemma <start_of_turn>, Llama-3 <|start_header_id|>, ChatML <|im_start|>); give the prompt without a chat template.");
        }

        return ChatTemplate.Render(family, userText);
    }

    private static TextTokenizer FromSentencePiece(string path, TokenizerSettings settings)
    {
        byte[] model = File.ReadAllBytes(path);
        var pieces = SentencePieceModelFile.ReadPieces(model, path);

        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < pieces.Count; id++)
        {
            if (pieces[id].Kind == SentencePieceKind.UserDefined)
            {
                specialTokens[pieces[id].Text] = id;
            }
        }

        foreach (var (content, id) in settings.AddedTokens)
        {
            specialTokens[content] = id;
        }

        SentencePieceTokenizer tokenizer;
        try
        {
            tokenizer = SentencePieceTokenizer.Create(new MemoryStream(model), false, false, specialTokens);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: Microsoft.ML.Tokenizers could not load this SentencePiece model ({e.Message}).", e);
        }

        var tokenTexts = BuildTokenTexts(pieces.Select((p, id) => (p.Text, id)).Concat(settings.AddedTokens.Select(kv => (kv.Key, kv.Value))));
        var hidden = new HashSet<int>(settings.SpecialAddedIds);
        for (int id = 0; id < pieces.Count; id++)
        {
            if (pieces[id].Kind is SentencePieceKind.Control or SentencePieceKind.Unused)
            {
                hidden.Add(id);
            }
        }

        int? LookUp(string? token) => token is not null && tokenizer.Vocabulary.TryGetValue(token, out int id) ? id
            : token is not null && specialTokens.TryGetValue(token, out int added) ? added : null;
        bool IsControl(int id) => (uint)id < (uint)pieces.Count && pieces[id].Kind == SentencePieceKind.Control;

        int? bos = LookUp(settings.BosToken) ?? settings.ConfigBosId ?? (IsControl(tokenizer.BeginningOfSentenceId) ? tokenizer.BeginningOfSentenceId : null);
        var eos = new List<int>();
        if (LookUp(settings.EosToken) is { } eosFromConfig)
        {
            eos.Add(eosFromConfig);
        }

        eos.AddRange(settings.ConfigEosIds.Where(id => !eos.Contains(id)));
        if (eos.Count == 0 && IsControl(tokenizer.EndOfSentenceId))
        {
            eos.Add(tokenizer.EndOfSentenceId);
        }

        return new TextTokenizer(
            path,
            text => tokenizer.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false),
            ids => tokenizer.Decode(ids, considerSpecialTokens: true),
            tokenTexts,
            specialTokens,
            hidden,
            bos,
            eos,
            addBosByDefault: settings.AddBosToken ?? true);
    }

    private static TextTokenizer FromTokenizerJson(string path, TokenizerSettings settings)
    {
        var bpe = ByteLevelBpeTokenizerJson.Load(path, settings.AddedTokens);
        var tokenTexts = BuildTokenTexts(bpe.Vocabulary.Concat(bpe.AddedTokens).Select(kv => (kv.Key, kv.Value)));
        var hidden = new HashSet<int>(bpe.SpecialAddedIds);
        hidden.UnionWith(settings.SpecialAddedIds);

        int? LookUp(string? token) => token is not null && bpe.AddedTokens.TryGetValue(token, out int added) ? added
            : token is not null && bpe.Vocabulary.TryGetValue(token, out int id) ? id : null;

        int? bos = LookUp(settings.BosToken ?? bpe.PostProcessorPrefixToken) ?? settings.ConfigBosId;
        var eos = new List<int>();
        if (LookUp(settings.EosToken) is { } eosFromConfig)
        {
            eos.Add(eosFromConfig);
        }

        eos.AddRange(settings.ConfigEosIds.Where(id => !eos.Contains(id)));

        Func<string, IReadOnlyList<int>> encode = bpe.IgnoreMerges
            ? text => EncodeIgnoringMerges(bpe, text)
            : text => bpe.Tokenizer.EncodeToIds(text);

        return new TextTokenizer(
            path,
            encode,
            ids => bpe.Tokenizer.Decode(ids, considerSpecialTokens: true),
            tokenTexts,
            bpe.AddedTokens,
            hidden,
            bos,
            eos,
            addBosByDefault: settings.AddBosToken ?? bpe.PostProcessorPrefixToken is not null);
    }

    /// <summary>
    /// tokenizers' <c>ignore_merges</c>: a pre-token that is itself a vocabulary entry is emitted whole, even where
    /// the merges would split it (tiktoken semantics, used by Llama-3). Microsoft.ML.Tokenizers' BPE has no such
    /// switch, so the pre-tokens are walked here and only the others are handed to its BPE.
    /// </summary>
    private static List<int> EncodeIgnoringMerges(ByteLevelBpeTokenizerJson bpe, string text)
    {
        string normalized = bpe.Normalizer?.Normalize(text) ?? text;
        var ids = new List<int>();
        foreach (var (offset, length) in bpe.PreTokenizer.PreTokenize(normalized))
        {
            string piece = normalized.Substring(offset, length);
            if (bpe.AddedTokens.TryGetValue(piece, out int special))
            {
                ids.Add(special);
            }
            else if (bpe.Vocabulary.TryGetValue(ByteLevelAlphabet.Encode(piece), out int whole))
            {
                ids.Add(whole);
            }
            else
            {
                ids.AddRange(bpe.Tokenizer.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
            }
        }

        return ids;
    }

    private static string[] BuildTokenTexts(IEnumerable<(string Text, int Id)> entries)
    {
        var list = entries.ToList();
        var texts = new string[list.Count == 0 ? 0 : list.Max(e => e.Id) + 1];
        Array.Fill(texts, "");
        foreach (var (text, id) in list)
        {
            texts[id] = text;
        }

        return texts;
    }
}
