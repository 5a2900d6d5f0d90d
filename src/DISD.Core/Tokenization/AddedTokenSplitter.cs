using System.Text.RegularExpressions;

namespace DISD.Tokenization;

/// <summary>
/// Finds the added tokens written in a text as the tokenizers library does before anything else touches the text
/// (<c>AddedVocabulary::find_matches</c> in added_vocabulary.rs, which transformers 5 runs for every tokenizer):
/// leftmost match first, the longest of those starting there, searching on after each match's end; a single_word
/// token is dropped where a word character touches it; lstrip / rstrip take the whitespace beside the token into it.
/// </summary>
internal sealed partial class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedTokenSpec[]> _longestFirstByFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedTokenSpec> tokens)
    {
        // Two entries with one text: the first wins, as transformers keeps the first id a text was added with.
        _longestFirstByFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .DistinctBy(t => t.Content, StringComparer.Ordinal)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => _longestFirstByFirstChar.Count == 0;

    /// <summary>A piece of the text: an added token (<see cref="TokenId"/> set) or the text between two of them.</summary>
    public readonly record struct Segment(int Start, int Length, int? TokenId);

    /// <summary>The text cut at its added tokens; the segments cover it in order, none empty.</summary>
    public List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int end = 0;
        for (int search = 0; search < text.Length;)
        {
            if (!FindLeftmostLongest(text, search, out int start, out var token))
            {
                break;
            }

            int stop = start + token.Content.Length;
            search = stop;
            if (token.Flags.SingleWord && (EndsWithWord(text, start) || StartsWithWord(text, stop)))
            {
                continue;
            }

            if (token.Flags.LStrip)
            {
                // Whitespace that an earlier token already took stays with that token.
                while (start > end && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.Flags.RStrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }

            if (end < start)
            {
                segments.Add(new Segment(end, start - end, null));
            }

            segments.Add(new Segment(start, stop - start, token.Id));
            end = stop;
        }

        if (end < text.Length)
        {
            segments.Add(new Segment(end, text.Length - end, null));
        }

        return segments;
    }

    private bool FindLeftmostLongest(string text, int from, out int start, out AddedTokenSpec token)
    {
        for (start = from; start < text.Length; start++)
        {
            if (_longestFirstByFirstChar.TryGetValue(text[start], out var candidates))
            {
                var rest = text.AsSpan(start);
                foreach (var candidate in candidates)
                {
                    if (rest.StartsWith(candidate.Content, StringComparison.Ordinal))
                    {
                        token = candidate;
                        return true;
                    }
                }
            }
        }

        token = null!;
        return false;
    }

    // tokenizers tests the neighbours with the regexes \w$ and ^\w; .NET's $ would also match before a final "\n", \z does not.
    private static bool EndsWithWord(string text, int start) => start > 0 && WordEnd().IsMatch(text.AsSpan(0, start));

    private static bool StartsWithWord(string text, int stop) => stop < text.Length && WordStart().IsMatch(text.AsSpan(stop));

    [GeneratedRegex(@"\w\z", RegexOptions.CultureInvariant)]
    private static partial Regex WordEnd();

    [GeneratedRegex(@"^\w", RegexOptions.CultureInvariant)]
    private static partial Regex WordStart();
}
