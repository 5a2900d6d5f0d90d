using System.Text;

namespace DISD.Tokenization;

/// <summary>
/// sentencepiece's <c>Normalizer::Normalize</c> (normalizer.cc) for the identity normalizer (empty
/// <c>precompiled_charsmap</c>): dummy prefix (or suffix), extra-whitespace removal and U+2581 escaping. User-defined
/// symbols are matched first, as sentencepiece does, so their text is kept as one unit.
/// </summary>
internal sealed class SentencePieceNormalizer(SentencePieceNormalizerSpec spec, bool treatWhitespaceAsSuffix, SentencePiecePrefixMatcher userDefined)
{
    public const char SpaceSymbol = '\u2581';

    public string Normalize(string input)
    {
        int position = 0;
        if (spec.RemoveExtraWhitespaces)
        {
            while (position < input.Length && NextUnit(input, position, out int length) == " ")
            {
                position += length;
            }
        }

        if (position == input.Length)
        {
            return "";
        }

        var normalized = new StringBuilder(input.Length + 1);
        string space = spec.EscapeWhitespaces ? SpaceSymbol.ToString() : " ";
        if (!treatWhitespaceAsSuffix && spec.AddDummyPrefix)
        {
            normalized.Append(space);
        }

        bool isPrevSpace = spec.RemoveExtraWhitespaces;
        while (position < input.Length)
        {
            string unit = NextUnit(input, position, out int length);
            int skip = 0;
            while (isPrevSpace && skip < unit.Length && unit[skip] == ' ')
            {
                skip++;
            }

            if (skip < unit.Length)
            {
                foreach (char c in unit.AsSpan(skip))
                {
                    normalized.Append(spec.EscapeWhitespaces && c == ' ' ? SpaceSymbol : c);
                }

                isPrevSpace = unit[^1] == ' ';
            }

            position += length;
            if (!spec.RemoveExtraWhitespaces)
            {
                isPrevSpace = false;
            }
        }

        if (spec.RemoveExtraWhitespaces)
        {
            while (normalized.Length > 0 && normalized[^1] == space[0])
            {
                normalized.Length--;
            }
        }

        if (treatWhitespaceAsSuffix && spec.AddDummyPrefix)
        {
            normalized.Append(space);
        }

        return normalized.ToString();
    }

    /// <summary><c>NormalizePrefix</c> without a charsmap: a user-defined symbol, else one code point, unchanged.</summary>
    private string NextUnit(string input, int position, out int length)
    {
        length = userDefined.Match(input, position, out _);
        return input.Substring(position, length);
    }
}
