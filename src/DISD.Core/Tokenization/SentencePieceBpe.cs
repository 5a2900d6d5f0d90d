namespace DISD.Tokenization;

/// <summary>
/// Encodes text exactly as sentencepiece does for a BPE <c>tokenizer.model</c> with the identity normalizer
/// (Llama-2, Mistral, Gemma). Hand-written because NuGet has no sentencepiece binding and Microsoft.ML.Tokenizers
/// diverges: it matches user-defined symbols shortest-first (Gemma's "\n\n" became two "\n") and breaks score ties
/// at the rightmost pair, where sentencepiece merges the leftmost ("----", "aaaa"). Ported from sentencepiece's
/// normalizer.cc, bpe_model.cc (<c>SampleEncode</c> without dropout) and the byte fallback of
/// sentencepiece_processor.cc (<c>PopulateSentencePieceText</c>).
/// </summary>
internal sealed partial class SentencePieceBpe
{
    private readonly IReadOnlyList<SentencePieceEntry> _entries;
    private readonly Dictionary<string, int> _mergeable;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _mergeableBySpan;
    private readonly Dictionary<string, int> _reserved;
    private readonly Dictionary<string, int> _symbols;
    private readonly SentencePiecePrefixMatcher _symbolMatcher;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly int _unknownId;
    private readonly int[]? _byteIds;

    private SentencePieceBpe(
        IReadOnlyList<SentencePieceEntry> entries,
        Dictionary<string, int> mergeable,
        Dictionary<string, int> reserved,
        Dictionary<string, int> symbols,
        SentencePieceNormalizer normalizer,
        int unknownId,
        int[]? byteIds)
    {
        _entries = entries;
        _mergeable = mergeable;
        _mergeableBySpan = mergeable.GetAlternateLookup<ReadOnlySpan<char>>();
        _reserved = reserved;
        _symbols = symbols;
        _symbolMatcher = new SentencePiecePrefixMatcher(symbols.Keys);
        _normalizer = normalizer;
        _unknownId = unknownId;
        _byteIds = byteIds;
    }

    /// <summary>
    /// The encoder of <paramref name="model"/>. <paramref name="addedTokens"/> (tokenizer_config.json) are matched like
    /// user-defined symbols, so the text around them is encoded as sentencepiece encodes text around its own
    /// user-defined symbols (one dummy prefix for the whole text, not one per segment).
    /// </summary>
    public static SentencePieceBpe Create(SentencePieceModel model, string path, IReadOnlyDictionary<string, int> addedTokens)
    {
        RequireSupported(model, path);
        var mergeable = new Dictionary<string, int>(StringComparer.Ordinal);
        var reserved = new Dictionary<string, int>(StringComparer.Ordinal);
        var userDefined = new Dictionary<string, int>(StringComparer.Ordinal);
        int unknownId = -1;
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            var piece = model.Pieces[id];
            if (piece.Text.Length == 0)
            {
                throw new DisdException($"{path}: piece {id} is empty; expected a SentencePiece tokenizer.model whose pieces are non-empty.");
            }

            bool isMergeable = piece.Kind is SentencePieceKind.Normal or SentencePieceKind.UserDefined or SentencePieceKind.Unused;
            if (!(isMergeable ? mergeable : reserved).TryAdd(piece.Text, id))
            {
                throw new DisdException($"{path}: piece \"{piece.Text}\" (id {id}) is defined twice; expected unique SentencePiece pieces.");
            }

            if (piece.Kind == SentencePieceKind.UserDefined)
            {
                userDefined[piece.Text] = id;
            }
            else if (piece.Kind == SentencePieceKind.Unknown)
            {
                unknownId = unknownId < 0 ? id
                    : throw new DisdException($"{path}: more than one unknown piece (ids {unknownId} and {id}); expected exactly one.");
            }
        }

        if (unknownId < 0)
        {
            throw new DisdException($"{path}: no unknown piece (type UNKNOWN, e.g. <unk>); expected exactly one.");
        }

        int[]? byteIds = ReadByteIds(model, reserved, path);
        var symbols = new Dictionary<string, int>(userDefined, StringComparer.Ordinal);
        foreach (var (content, id) in addedTokens)
        {
            symbols[Escape(content, model.Normalizer)] = id;
        }

        var normalizerSymbols = new SentencePiecePrefixMatcher(userDefined.Keys.Concat(addedTokens.Keys));
        var normalizer = new SentencePieceNormalizer(model.Normalizer, model.Trainer.TreatWhitespaceAsSuffix, normalizerSymbols);
        return new SentencePieceBpe(model.Pieces, mergeable, reserved, symbols, normalizer, unknownId, byteIds);
    }

    /// <summary>Token ids of <paramref name="text"/>, without BOS or EOS.</summary>
    public List<int> Encode(string text) => EncodeNormalized(_normalizer.Normalize(text));

    /// <summary>
    /// Token ids of a text that is already in the model's alphabet (spaces written as U+2581, any prefix already
    /// there): the BPE model and byte fallback alone, as tokenizers runs them after transformers 5's pre-tokenizer.
    /// </summary>
    public List<int> EncodeNormalized(string normalized)
    {
        var ids = new List<int>();
        bool previousWasUnknown = false;
        foreach (var (piece, id, symbol) in Segment(normalized))
        {
            bool isUnknown = id == _unknownId && !symbol;
            if (isUnknown && _byteIds is not null)
            {
                foreach (byte b in System.Text.Encoding.UTF8.GetBytes(piece))
                {
                    ids.Add(_byteIds[b]);
                }
            }
            else if (!(isUnknown && previousWasUnknown))
            {
                // sentencepiece merges a run of unknown pieces into one unknown token.
                ids.Add(id);
            }

            previousWasUnknown = isUnknown;
        }

        return ids;
    }

    private static void RequireSupported(SentencePieceModel model, string path)
    {
        if (model.Trainer.ModelType != SentencePieceModelType.Bpe)
        {
            throw new DisdException(
                $"{path}: SentencePiece model_type {model.Trainer.ModelType.ToString().ToUpperInvariant()} is not supported; DISD encodes model_type BPE "
                    + "only (Llama-2, Mistral, Gemma).");
        }

        var normalizer = model.Normalizer;
        if (normalizer.PrecompiledCharsmapLength > 0 || normalizer.Name is not ("identity" or ""))
        {
            throw new DisdException(
                $"{path}: SentencePiece normalizer \"{normalizer.Name}\" (precompiled_charsmap of {normalizer.PrecompiledCharsmapLength} bytes) is not "
                    + "supported; DISD encodes only the identity normalizer (empty precompiled_charsmap).");
        }
    }

    private static int[]? ReadByteIds(SentencePieceModel model, Dictionary<string, int> reserved, string path)
    {
        bool hasBytePieces = model.Pieces.Any(p => p.Kind == SentencePieceKind.Byte);
        if (!model.Trainer.ByteFallback)
        {
            return hasBytePieces
                ? throw new DisdException($"{path}: byte pieces (<0x..>) found although trainer_spec.byte_fallback is false; expected a consistent "
                    + "SentencePiece model.")
                : null;
        }

        var byteIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string text = $"<0x{b:X2}>";
            byteIds[b] = reserved.TryGetValue(text, out int id) && model.Pieces[id].Kind == SentencePieceKind.Byte ? id
                : throw new DisdException($"{path}: byte_fallback is true but byte piece {text} is missing; expected all 256 byte pieces.");
        }

        return byteIds;
    }

    private static string Escape(string text, SentencePieceNormalizerSpec spec) =>
        spec.EscapeWhitespaces ? text.Replace(' ', SentencePieceNormalizer.SpaceSymbol) : text;

    /// <summary><c>ModelInterface::PieceToId</c>: control, unknown and byte pieces first, then the others, else unknown.</summary>
    private int PieceToId(string piece) =>
        _reserved.TryGetValue(piece, out int id) || _mergeable.TryGetValue(piece, out id) ? id : _unknownId;
}
