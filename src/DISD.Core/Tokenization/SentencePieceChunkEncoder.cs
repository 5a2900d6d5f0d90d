namespace DISD.Tokenization;

/// <summary>Where transformers 5's Metaspace pre-tokenizer writes the word-start "▁" (tokenizers' <c>PrependScheme</c>).</summary>
internal enum PrefixScheme
{
    /// <summary>Before every piece of text between added tokens (legacy = true).</summary>
    Always,

    /// <summary>Only before the piece that starts the text (legacy = false, the default in transformers 5).</summary>
    First,

    /// <summary>Nowhere (add_prefix_space = false; GemmaTokenizer).</summary>
    Never,
}

/// <summary>
/// A <c>tokenizer.model</c> encoded as transformers 5 encodes it when tokenizer_config.json names a class that
/// rebuilds it: the text is cut at every added token (<see cref="AddedTokenSplitter"/>), and each piece between
/// them has its spaces written as "▁", gets a leading "▁" as <see cref="PrefixScheme"/> says unless it already starts
/// with one (tokenizers' <c>Metaspace::pre_tokenize</c>), and goes through the BPE model alone.
/// </summary>
internal sealed class SentencePieceChunkEncoder(SentencePieceBpe bpe, AddedTokenSplitter splitter, PrefixScheme scheme)
{
    public PrefixScheme Scheme => scheme;

    /// <summary>
    /// The scheme transformers 5 builds from tokenizer_config.json, or null where it keeps sentencepiece's own
    /// normalizer. LlamaTokenizer.__init__ (models/llama/tokenization_llama.py) sets
    /// <c>Metaspace(prepend_scheme=_get_prepend_scheme(add_prefix_space, self), split=False)</c> with legacy defaulting to
    /// false and add_prefix_space to true; GemmaTokenizer.__init__ (models/gemma/tokenization_gemma.py) only replaces
    /// spaces, with no prefix. A config that names neither class nor sets either key keeps sentencepiece's encoding.
    /// </summary>
    public static PrefixScheme? SchemeFor(TokenizerSettings settings)
    {
        if (!settings.HasTokenizerConfig)
        {
            return null;
        }

        string? tokenizerClass = settings.TokenizerClass?.Replace("Fast", "", StringComparison.Ordinal);
        if (tokenizerClass == "GemmaTokenizer")
        {
            return PrefixScheme.Never;
        }

        if (tokenizerClass != "LlamaTokenizer" && settings.Legacy is null && settings.AddPrefixSpace is null)
        {
            return null;
        }

        // tokenization_utils_base._get_prepend_scheme: "always" if legacy, "first" if not, "never" without a prefix space.
        return settings.AddPrefixSpace == false ? PrefixScheme.Never
            : settings.Legacy == true ? PrefixScheme.Always
            : PrefixScheme.First;
    }

    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (var segment in splitter.Split(text))
        {
            if (segment.TokenId is { } tokenId)
            {
                ids.Add(tokenId);
                continue;
            }

            string piece = text.Substring(segment.Start, segment.Length).Replace(' ', SentencePieceNormalizer.SpaceSymbol);
            bool prepend = scheme == PrefixScheme.Always || (scheme == PrefixScheme.First && segment.Start == 0);
            if (prepend && piece[0] != SentencePieceNormalizer.SpaceSymbol)
            {
                piece = SentencePieceNormalizer.SpaceSymbol + piece;
            }

            ids.AddRange(bpe.EncodeNormalized(piece));
        }

        return ids;
    }
}
