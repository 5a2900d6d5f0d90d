using System.Globalization;
using System.Text;

namespace DISD.Templating;

/// <summary>Python <c>str</c> behaviour: whitespace, escapes, code point indexing, strip, split and title.</summary>
internal static class PyStrings
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (it adds the separators U+001C..U+001F to .NET's set).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>The line boundaries of Python's <c>str.splitlines()</c> ("\r\n" is handled by the caller).</summary>
    public static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>Python <c>str.splitlines()</c>: no empty piece after a final line break.</summary>
    public static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!IsLineBreak(s[i]))
            {
                continue;
            }

            lines.Add(s[start..i]);
            if (s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
            {
                i++;
            }

            start = i + 1;
        }

        if (start < s.Length)
        {
            lines.Add(s[start..]);
        }

        return lines;
    }

    public static bool IsAllSpace(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!IsSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string Strip(string s, string? chars) => RStrip(LStrip(s, chars), chars);

    public static string LStrip(string s, string? chars = null)
    {
        int i = 0;
        while (i < s.Length && IsStripped(s[i], chars))
        {
            i++;
        }

        return s[i..];
    }

    public static string RStrip(string s, string? chars = null)
    {
        int i = s.Length;
        while (i > 0 && IsStripped(s[i - 1], chars))
        {
            i--;
        }

        return s[..i];
    }

    private static bool IsStripped(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c);

    /// <summary>Code points, as Python indexes, slices and iterates a string.</summary>
    public static List<string> CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i++, 2));
            }
            else
            {
                result.Add(s[i].ToString());
            }
        }

        return result;
    }

    public static int Length(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++, n++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
        }

        return n;
    }

    /// <summary>Python <c>str.split(sep, maxsplit)</c>.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    return parts;
                }

                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(RStrip(s[i..]));
                    return parts;
                }

                int start = i;
                while (i < s.Length && !IsSpace(s[i]))
                {
                    i++;
                }

                parts.Add(s[start..i]);
            }
        }

        if (sep.Length == 0)
        {
            throw new JinjaRuntimeError("str.split: empty separator");
        }

        int from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[from..at]);
            from = at + sep.Length;
        }

        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>Python <c>str.replace(old, new, count)</c>; an empty <paramref name="old"/> inserts between code points.</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            count = long.MaxValue;
        }

        var sb = new StringBuilder();
        if (old.Length == 0)
        {
            long done = 0;
            foreach (string cp in CodePoints(s))
            {
                if (done++ < count)
                {
                    sb.Append(replacement);
                }

                sb.Append(cp);
            }

            return done < count ? sb.Append(replacement).ToString() : sb.ToString();
        }

        int from = 0;
        for (long n = 0; n < count; n++)
        {
            int at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }

        return sb.Append(s, from, s.Length - from).ToString();
    }

    /// <summary>Python <c>str.title()</c>: a cased letter after an uncased character starts a word.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            bool cased = char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;
            sb.Append(cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            previousCased = cased;
        }

        return sb.ToString();
    }

    /// <summary>Python <c>str.capitalize()</c>.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>
    /// Appends the character(s) of the escape that starts after the backslash at <paramref name="pos"/>, as Python's
    /// unicode-escape codec (which jinja2 applies to string literals) reads it; returns the position after it.
    /// </summary>
    public static int AppendEscape(string src, int pos, StringBuilder sb, Func<Exception> bad)
    {
        char e = src[pos++];
        switch (e)
        {
            case '\n': return pos;
            case '\\': sb.Append('\\'); return pos;
            case '\'': sb.Append('\''); return pos;
            case '"': sb.Append('"'); return pos;
            case 'a': sb.Append('\a'); return pos;
            case 'b': sb.Append('\b'); return pos;
            case 'f': sb.Append('\f'); return pos;
            case 'n': sb.Append('\n'); return pos;
            case 'r': sb.Append('\r'); return pos;
            case 't': sb.Append('\t'); return pos;
            case 'v': sb.Append('\v'); return pos;
            case 'x': return AppendHex(src, pos, 2, sb, bad);
            case 'u': return AppendHex(src, pos, 4, sb, bad);
            case 'U': return AppendHex(src, pos, 8, sb, bad);
        }

        if (e is >= '0' and <= '7')
        {
            int value = e - '0';
            for (int k = 0; k < 2 && pos < src.Length && src[pos] is >= '0' and <= '7'; k++)
            {
                value = (value * 8) + (src[pos++] - '0');
            }

            sb.Append(char.ConvertFromUtf32(value));
            return pos;
        }

        sb.Append('\\').Append(e);
        return pos;
    }

    private static int AppendHex(string src, int pos, int digits, StringBuilder sb, Func<Exception> bad)
    {
        if (pos + digits > src.Length
            || !int.TryParse(src.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value)
            || value > 0x10FFFF)
        {
            throw bad();
        }

        sb.Append(value is >= 0xD800 and <= 0xDFFF ? ((char)value).ToString() : char.ConvertFromUtf32(value));
        return pos + digits;
    }
}
