namespace DISD.Tokenization;

/// <summary>
/// sentencepiece's <c>PrefixMatcher</c>: the longest of a set of symbols (user-defined pieces) that starts at a
/// position, else one code point. Longest-first matters: Gemma has single pieces for runs of newlines and spaces.
/// </summary>
internal sealed class SentencePiecePrefixMatcher
{
    private readonly Dictionary<char, string[]> _longestFirstByFirstChar;

    public SentencePiecePrefixMatcher(IEnumerable<string> symbols)
    {
        _longestFirstByFirstChar = symbols
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .GroupBy(s => s[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Length).ToArray());
    }

    /// <summary>Length in chars of the match at <paramref name="start"/>; <paramref name="found"/> says whether a symbol matched.</summary>
    public int Match(string text, int start, out bool found)
    {
        if (_longestFirstByFirstChar.TryGetValue(text[start], out var candidates))
        {
            var rest = text.AsSpan(start);
            foreach (string symbol in candidates)
            {
                if (rest.StartsWith(symbol, StringComparison.Ordinal))
                {
                    found = true;
                    return symbol.Length;
                }
            }
        }

        found = false;
        return CodePointLength(text, start);
    }

    public static int CodePointLength(string text, int start) =>
        char.IsHighSurrogate(text[start]) && start + 1 < text.Length && char.IsLowSurrogate(text[start + 1]) ? 2 : 1;
}
