using System.Globalization;
using System.Text;

namespace DISD.Templating;

/// <summary>
/// Splits a template into text and tag tokens the way jinja2's lexer does with transformers' settings
/// (<c>trim_blocks=True</c>, <c>lstrip_blocks=True</c>, no kept trailing newline): <c>-</c>/<c>+</c> whitespace
/// control, comments dropped, and a tag ends only where its brackets are balanced.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", ".", ",", ":", "|", "(", ")", "[", "]", "{", "}"];

    private readonly string _src;
    private readonly TemplateLocation _location;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private bool _lineStarting = true;

    private JinjaLexer(string source, TemplateLocation location)
    {
        _src = source;
        _location = location;
    }

    public static List<Token> Tokenize(string normalizedSource, TemplateLocation location)
    {
        var lexer = new JinjaLexer(normalizedSource, location);
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>jinja2 joins <c>source.splitlines()</c> with "\n": every Python line break becomes "\n" and one trailing break goes.</summary>
    public static string NormalizeNewlines(string source)
    {
        var sb = new StringBuilder(source.Length);
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (c == '\r' && i + 1 < source.Length && source[i + 1] == '\n')
            {
                i++;
                sb.Append('\n');
            }
            else
            {
                sb.Append(PyStrings.IsLineBreak(c) ? '\n' : c);
            }
        }

        if (sb.Length > 0 && sb[^1] == '\n')
        {
            sb.Length--;
        }

        return sb.ToString();
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            int start = FindTagStart(_pos);
            if (start < 0)
            {
                Emit(TokenKind.Text, _src[_pos..], _pos);
                break;
            }

            char kind = _src[start + 1];
            char sign = start + 2 < _src.Length ? _src[start + 2] : '\0';
            string text = _src[_pos..start];
            if (sign == '-')
            {
                text = PyStrings.RStrip(text);
            }
            else if (sign != '+' && kind != '{')
            {
                text = LStripBlock(text);
            }

            if (text.Length > 0)
            {
                Emit(TokenKind.Text, text, _pos);
            }

            _pos = start + 2 + (sign is '-' or '+' ? 1 : 0);
            if (kind == '#')
            {
                SkipComment(start);
            }
            else
            {
                LexTag(isBlock: kind == '%', start);
            }

            _lineStarting = _pos > 0 && _src[_pos - 1] == '\n';
        }

        _tokens.Add(new Token(TokenKind.EndOfTemplate, "", LineAt(_src.Length)));
    }

    private int FindTagStart(int from)
    {
        for (int i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
        {
            if (_src[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>lstrip_blocks: whitespace between the start of a line and a block or comment tag goes.</summary>
    private string LStripBlock(string text)
    {
        int lineStart = text.LastIndexOf('\n') + 1;
        if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && PyStrings.IsAllSpace(text.AsSpan(lineStart)))
        {
            return text[..lineStart];
        }

        return text;
    }

    private void SkipComment(int start)
    {
        int end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw _location.Error(LineAt(start), "comment '{#' is never closed with '#}'");
        }

        char before = end > _pos ? _src[end - 1] : '\0';
        _pos = end + 2;
        if (before == '-')
        {
            SkipWhitespace();
        }
        else if (before != '+' && _pos < _src.Length && _src[_pos] == '\n')
        {
            _pos++;
        }
    }

    private void LexTag(bool isBlock, int start)
    {
        _tokens.Add(new Token(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, isBlock ? "{%" : "{{", LineAt(start)));
        RejectRawBlock(isBlock);
        int depth = 0;
        while (true)
        {
            SkipWhitespace();
            if (_pos >= _src.Length)
            {
                throw _location.Error(LineAt(start), $"tag '{(isBlock ? "{%" : "{{")}' is never closed");
            }

            if (depth == 0 && TryEndTag(isBlock))
            {
                return;
            }

            depth += LexExpressionToken();
            depth = Math.Max(depth, 0);
        }
    }

    private void RejectRawBlock(bool isBlock)
    {
        int p = _pos;
        while (p < _src.Length && PyStrings.IsSpace(_src[p]))
        {
            p++;
        }

        if (isBlock && string.CompareOrdinal(_src, p, "raw", 0, 3) == 0 && (p + 3 >= _src.Length || !IsNameChar(_src[p + 3])))
        {
            throw _location.Error(LineAt(p), "unsupported Jinja construct 'raw block'");
        }
    }

    private bool TryEndTag(bool isBlock)
    {
        string close = isBlock ? "%}" : "}}";
        int line = LineAt(_pos);
        if (At("-" + close))
        {
            _pos += 3;
            SkipWhitespace();
        }
        else if (isBlock && At("+" + close))
        {
            _pos += 3;
        }
        else if (At(close))
        {
            _pos += 2;
            if (isBlock && _pos < _src.Length && _src[_pos] == '\n')
            {
                _pos++;
            }
        }
        else
        {
            return false;
        }

        _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, line));
        return true;
    }

    /// <summary>Lexes one token inside a tag; returns the change in bracket depth.</summary>
    private int LexExpressionToken()
    {
        int start = _pos;
        char c = _src[_pos];
        if (c is '\'' or '"')
        {
            LexString(c);
            return 0;
        }

        if (char.IsAsciiDigit(c))
        {
            LexNumber();
            return 0;
        }

        if (IsNameStart(c))
        {
            while (_pos < _src.Length && IsNameChar(_src[_pos]))
            {
                _pos++;
            }

            Emit(TokenKind.Name, _src[start.._pos], start);
            return 0;
        }

        foreach (string op in Operators)
        {
            if (At(op))
            {
                _pos += op.Length;
                Emit(TokenKind.Operator, op, start);
                return op switch { "(" or "[" or "{" => 1, ")" or "]" or "}" => -1, _ => 0 };
            }
        }

        throw _location.Error(LineAt(start), $"unexpected character '{c}' in a tag");
    }

    private void LexString(char quote)
    {
        int start = _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length)
            {
                throw _location.Error(LineAt(start), "string literal is never closed");
            }

            char c = _src[_pos++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\' || _pos >= _src.Length)
            {
                sb.Append(c);
                continue;
            }

            _pos = PyStrings.AppendEscape(_src, _pos, sb, () => _location.Error(LineAt(start), "bad escape in a string literal"));
        }

        _tokens.Add(new Token(TokenKind.String, _src[start.._pos], LineAt(start), sb.ToString()));
    }

    private void LexNumber()
    {
        int start = _pos;
        SkipDigits();
        bool isFloat = false;
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }

        if (_pos < _src.Length && _src[_pos] is 'e' or 'E')
        {
            int p = _pos + 1;
            if (p < _src.Length && _src[p] is '+' or '-')
            {
                p++;
            }

            if (p < _src.Length && char.IsAsciiDigit(_src[p]))
            {
                isFloat = true;
                _pos = p;
                SkipDigits();
            }
        }

        string text = _src[start.._pos];
        string digits = text.Replace("_", "", StringComparison.Ordinal);
        object value = isFloat
            ? (object)double.Parse(digits, CultureInfo.InvariantCulture)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long l)
                ? (object)l
                : throw _location.Error(LineAt(start), $"integer literal {text} is too large");
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, LineAt(start), value));
    }

    private void SkipDigits()
    {
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || (_src[_pos] == '_' && _pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))))
        {
            _pos++;
        }
    }

    private void SkipWhitespace()
    {
        while (_pos < _src.Length && PyStrings.IsSpace(_src[_pos]))
        {
            _pos++;
        }
    }

    private bool At(string s) => string.CompareOrdinal(_src, _pos, s, 0, s.Length) == 0;

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private void Emit(TokenKind kind, string value, int at) => _tokens.Add(new Token(kind, value, LineAt(at)));

    private int LineAt(int position) => _location.LineAt(position);
}
