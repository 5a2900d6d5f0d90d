using System.Globalization;
using Microsoft.ML.Tokenizers;

namespace DISD.Tokenization;

/// <summary>
/// Runs a split regex over code points, as Hugging Face tokenizers (Rust regex) does, instead of UTF-16 units.
/// .NET's <c>\p{L}</c> never matches half of a surrogate pair, so "𝐀bc" or "🚀Launch" would split differently
/// (and merge differently) than in the reference. Each character outside the BMP is stood in for by one BMP character
/// of the same class (letter, number, mark, other) while matching, and the pieces are mapped back to the text.
/// </summary>
internal sealed class CodePointRegexPreTokenizer(PreTokenizer inner) : PreTokenizer
{
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        text is null ? [] : PreTokenizeCore(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        PreTokenizeCore(text.ToString());

    private IEnumerable<(int Offset, int Length)> PreTokenizeCore(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return inner.PreTokenize(text);
        }

        var (standIn, originalIndex) = StandInForSupplementaryCharacters(text);
        return inner.PreTokenize(standIn)
            .Select(piece => (originalIndex[piece.Offset], originalIndex[piece.Offset + piece.Length] - originalIndex[piece.Offset]))
            .ToList();
    }

    /// <summary>The text with each surrogate pair replaced by one character, and the original index of every character (plus the end).</summary>
    private static (string StandIn, int[] OriginalIndex) StandInForSupplementaryCharacters(string text)
    {
        var chars = new List<char>(text.Length);
        var originalIndex = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            originalIndex.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                chars.Add(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i++;
            }
            else
            {
                chars.Add(text[i]);
            }
        }

        originalIndex.Add(text.Length);
        return (new string(chars.ToArray()), originalIndex.ToArray());
    }

    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => 'a',
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => '0',
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => '\u0301',
        _ => '\u00A4',
    };
}
