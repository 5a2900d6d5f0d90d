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

        throw new DisdException($"{checkpointDir} has no tokenizer.model (SentencePiece) or tokenizer.json (byte-level BPE).");
    }

    private static TextTokenizer FromSentencePiece(string path, TokenizerSettings settings)
    {
        byte[] model = File.ReadAllBytes(path);
        var modelProto = SentencePieceModelFile.Read(model, path);
        var pieces = modelProto.Pieces;
        var encoder = SentencePieceBpe.Create(modelProto, path, settings.AddedTokens);

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

        return new TextTokenizer(
            path,
            encoder.Encode,
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
