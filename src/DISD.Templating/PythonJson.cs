using System.Globalization;
using System.Text;

namespace DISD.Templating;

/// <summary>Python's <c>json.dumps(value, ensure_ascii, indent, separators, sort_keys)</c>, which transformers' tojson filter calls.</summary>
internal static class PythonJson
{
    public sealed record Options(bool EnsureAscii, string? Indent, string ItemSeparator, string KeySeparator, bool SortKeys);

    public static string Dumps(object? value, Options options)
    {
        var sb = new StringBuilder();
        Write(sb, value, options, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, Options options, int level)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
                    : PyValues.FloatRepr(d));
                break;
            case string s: WriteString(sb, s, options.EnsureAscii); break;
            case IReadOnlyList<object?> list:
                WriteContainer(sb, '[', ']', list, options, level, (item, l) => Write(sb, item, options, l));
                break;
            case IReadOnlyDictionary<string, object?> dict:
                var pairs = options.SortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                WriteContainer(sb, '{', '}', pairs, options, level, (pair, l) =>
                {
                    WriteString(sb, pair.Key, options.EnsureAscii);
                    sb.Append(options.KeySeparator);
                    Write(sb, pair.Value, options, l);
                });
                break;
            default:
                throw new JinjaRuntimeError($"tojson: Object of type {PyValues.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteContainer<T>(StringBuilder sb, char open, char close, IReadOnlyList<T> items, Options options, int level, Action<T, int> writeItem)
    {
        sb.Append(open);
        if (items.Count == 0)
        {
            sb.Append(close);
            return;
        }

        string? newline = options.Indent is null ? null : "\n" + string.Concat(Enumerable.Repeat(options.Indent, level + 1));
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(options.ItemSeparator);
            }

            sb.Append(newline);
            writeItem(items[i], level + 1);
        }

        if (options.Indent is not null)
        {
            sb.Append('\n').Append(string.Concat(Enumerable.Repeat(options.Indent, level)));
        }

        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || (ensureAscii && c > '~'))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
