using Microsoft.ML.Tokenizers;

namespace DISD.Tokenization;

/// <summary>Reading a checkpoint folder's tokenizer files into a <see cref="TextTokenizer"/>.</summary>
public sealed partial class TextTokenizer
{
    /// <summary>Reads the tokenizer of the checkpoint folder <paramref name="checkpointDir"/>.</summary>
    public static TextTokenizer Load(string checkpointDir)
    {
        if (!Directory.Exists(checkpointDir))
        {
            throw new DisdException($"Checkpoint folder {checkpointDir} does not exist.");
        }

        var settings = TokenizerSettings.Read(checkpointDir);
        var tokenizer = LoadVocabularyFile(checkpointDir, settings);
        tokenizer.CheckpointChatTemplate = ChatTemplateSource.Find(checkpointDir);
        tokenizer._specialTokenStrings = SpecialTokenStrings(settings, tokenizer);
        return tokenizer;
    }

    /// <summary>
    /// Where no tokenizer class rule applies (<see cref="SentencePieceChunkEncoder.SchemeFor"/> is null): the tokens
    /// sentencepiece keeps whole as its own symbols, tokenizer_config.json's added tokens and its named special tokens
    /// (bos/eos/unk/pad), with one dummy prefix for the whole text. A bare tokenizer.model has neither, and then
    /// encodes as sentencepiece itself does ("&lt;s&gt;" in the text is three pieces).
    /// </summary>
    private static Dictionary<string, int> NeverSplit(TokenizerSettings settings, IReadOnlyList<SentencePieceEntry> pieces)
    {
        var tokens = new Dictionary<string, int>(settings.AddedTokens, StringComparer.Ordinal);
        foreach (string? named in new[] { settings.BosToken, settings.EosToken, settings.UnkToken, settings.PadToken })
        {
            int id = named is null ? -1 : IndexOfPiece(pieces, named);
            if (id >= 0)
            {
                tokens.TryAdd(named!, id);
            }
        }

        return tokens;
    }

    /// <summary>
    /// Every added token of tokenizer_config.json with its flags, then the named special tokens it lacks (transformers
    /// 5's TokenizersBackend.__init__ adds those to the tokenizer's added vocabulary too, so they are matched in text),
    /// then the model's control and user-defined pieces (SentencePieceExtractor.extract in convert_slow_tokenizer.py
    /// passes them on as additional special tokens). A named token that is neither an added token nor a piece has no
    /// id here and is not matched.
    /// </summary>
    private static AddedTokenSplitter AddedTokenMatcher(TokenizerSettings settings, IReadOnlyList<SentencePieceEntry> pieces)
    {
        var tokens = new List<AddedTokenSpec>(settings.AddedTokenSpecs);
        // A named token the config leaves out takes the class's keyword default (LlamaTokenizer / GemmaTokenizer __init__).
        bool gemma = settings.TokenizerClass?.Replace("Fast", "", StringComparison.Ordinal) == "GemmaTokenizer";
        bool llama = settings.TokenizerClass?.Replace("Fast", "", StringComparison.Ordinal) == "LlamaTokenizer";
        string? Default(string llamaDefault, string gemmaDefault) => llama ? llamaDefault : gemma ? gemmaDefault : null;
        string?[] namedTokens =
        [
            settings.BosToken ?? Default("<s>", "<bos>"),
            settings.EosToken ?? Default("</s>", "<eos>"),
            settings.UnkToken ?? Default("<unk>", "<unk>"),
            settings.PadToken ?? (gemma ? "<pad>" : null),
        ];
        foreach (string? named in namedTokens)
        {
            if (named is null || settings.AddedTokens.ContainsKey(named))
            {
                continue;
            }

            int id = IndexOfPiece(pieces, named);
            if (id >= 0)
            {
                tokens.Add(new AddedTokenSpec(named, id, settings.NamedTokenFlags.GetValueOrDefault(named)));
            }
        }

        for (int id = 0; id < pieces.Count; id++)
        {
            if (pieces[id].Kind is SentencePieceKind.Control or SentencePieceKind.UserDefined)
            {
                tokens.Add(new AddedTokenSpec(pieces[id].Text, id, default));
            }
        }

        return new AddedTokenSplitter(tokens);
    }

    private static int IndexOfPiece(IReadOnlyList<SentencePieceEntry> pieces, string text)
    {
        for (int id = 0; id < pieces.Count; id++)
        {
            if (pieces[id].Text == text)
            {
                return id;
            }
        }

        return -1;
    }

    /// <summary>The special tokens a chat template sees; bos_token falls back to the BOS id's text.</summary>
    private static Dictionary<string, string?> SpecialTokenStrings(TokenizerSettings settings, TextTokenizer tokenizer) => new(StringComparer.Ordinal)
    {
        ["bos_token"] = settings.BosToken ?? (tokenizer.BosId is { } bos ? tokenizer.TokenText(bos) : null),
        ["eos_token"] = settings.EosToken ?? (tokenizer.EosIds.Count > 0 ? tokenizer.TokenText(tokenizer.EosIds[0]) : null),
        ["unk_token"] = settings.UnkToken,
        ["pad_token"] = settings.PadToken,
    };

    private static TextTokenizer LoadVocabularyFile(string checkpointDir, TokenizerSettings settings)
    {
        string sentencePiecePath = Path.Combine(checkpointDir, "tokenizer.model");
        string tokenizerJsonPath = Path.Combine(checkpointDir, "tokenizer.json");
        // AutoTokenizer's default is the fast tokenizer, which reads tokenizer.json whenever the folder has one.
        if (File.Exists(tokenizerJsonPath))
        {
            return FromTokenizerJson(tokenizerJsonPath, settings);
        }

        if (File.Exists(sentencePiecePath))
        {
            return FromSentencePiece(sentencePiecePath, settings);
        }

        throw new DisdException($"{checkpointDir} has no tokenizer.json or tokenizer.model (SentencePiece).");
    }

    private static TextTokenizer FromSentencePiece(string path, TokenizerSettings settings)
    {
        byte[] model = File.ReadAllBytes(path);
        var modelProto = SentencePieceModelFile.Read(model, path);
        var pieces = modelProto.Pieces;
        Func<string, List<int>> encode;
        if (SentencePieceChunkEncoder.SchemeFor(settings) is { } scheme)
        {
            // The added tokens are cut out before the model sees the text, so the model matches only its own symbols.
            var bpe = SentencePieceBpe.Create(modelProto, path, new Dictionary<string, int>());
            encode = new SentencePieceChunkEncoder(bpe, AddedTokenMatcher(settings, pieces), scheme).Encode;
        }
        else
        {
            encode = SentencePieceBpe.Create(modelProto, path, NeverSplit(settings, pieces)).Encode;
        }

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

        // Microsoft.ML.Tokenizers only decodes here: its decoding agrees with sentencepiece, its encoding does not.
        SentencePieceTokenizer tokenizer;
        try
        {
            tokenizer = SentencePieceTokenizer.Create(new MemoryStream(model), false, false, specialTokens);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DisdException($"{path}: Microsoft.ML.Tokenizers could not load this SentencePiece model ({e.Message}).", e);
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

        // transformers' LlamaTokenizer/GemmaTokenizer: BOS unless add_bos_token is false, EOS only if add_eos_token is true.
        int[] prefix = settings.AddBosToken ?? true
            ? [bos ?? throw new DisdException(
                $"{path}: add_bos_token is true but this tokenizer has no bos_token (tokenizer_config.json) or bos_token_id (config.json).")]
            : [];
        int[] suffix = settings.AddEosToken == true && eos.Count > 0 ? [eos[0]] : [];

        return new TextTokenizer(
            path,
            (text, addSpecialTokens) => addSpecialTokens ? [.. prefix, .. encode(text), .. suffix] : encode(text),
            ids => tokenizer.Decode(ids, considerSpecialTokens: true),
            tokenTexts,
            specialTokens,
            hidden,
            bos,
            eos);
    }

    private static TextTokenizer FromTokenizerJson(string path, TokenizerSettings settings)
    {
        var json = HuggingFaceTokenizerJson.Load(path);
        var contents = json.Contents;
        var hidden = new HashSet<int>(contents.SpecialIds);
        hidden.UnionWith(settings.SpecialAddedIds);

        int? LookUp(string? token) => token is not null && contents.AddedTokens.TryGetValue(token, out int added) ? added
            : token is not null && Array.IndexOf(contents.TokenTexts, token) is var id and >= 0 ? id : null;

        int? bos = LookUp(settings.BosToken) ?? contents.PostProcessorPrefix.Cast<int?>().FirstOrDefault() ?? settings.ConfigBosId;
        var eos = new List<int>();
        if (LookUp(settings.EosToken) is { } eosFromConfig)
        {
            eos.Add(eosFromConfig);
        }

        eos.AddRange(settings.ConfigEosIds.Where(id => !eos.Contains(id)));

        var (prefix, suffix) = SpecialTokensAroundText(settings, contents, bos, eos);
        return new TextTokenizer(
            path,
            (text, addSpecialTokens) => addSpecialTokens ? [.. prefix, .. json.Encode(text, false), .. suffix] : json.Encode(text, false),
            ids => json.Decode(ids.ToList(), skipSpecialTokens: false),
            contents.TokenTexts,
            contents.AddedTokens,
            hidden,
            bos,
            eos);
    }

    /// <summary>
    /// The tokens put around a text. transformers 5 (TokenizersBackend.__init__) keeps tokenizer.json's post-processor
    /// unless tokenizer_config.json sets add_bos_token or add_eos_token, or the tokenizer class passes them itself
    /// (LlamaTokenizer, GemmaTokenizer, CodeLlamaTokenizer: BOS by default); then <c>update_post_processor</c> rebuilds
    /// it as [BOS] $A [EOS], dropping a token the tokenizer does not have.
    /// </summary>
    private static (int[] Prefix, int[] Suffix) SpecialTokensAroundText(TokenizerSettings settings, TokenizerJsonContents contents, int? bos,
        IReadOnlyList<int> eos)
    {
        string? tokenizerClass = settings.TokenizerClass?.Replace("Fast", "", StringComparison.Ordinal);
        bool classSetsBos = tokenizerClass is "LlamaTokenizer" or "GemmaTokenizer" or "CodeLlamaTokenizer";
        if (!classSetsBos && settings.AddBosToken is null && settings.AddEosToken is null)
        {
            return ([.. contents.PostProcessorPrefix], [.. contents.PostProcessorSuffix]);
        }

        bool addBos = (settings.AddBosToken ?? classSetsBos) && bos is not null;
        bool addEos = (settings.AddEosToken ?? false) && eos.Count > 0;
        return (addBos ? [bos!.Value] : [], addEos ? [eos[0]] : []);
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
