using System.Globalization;
using System.Text;

namespace DISD.Templating;

/// <summary>Python semantics of template values: truth, <c>str()</c>, <c>repr()</c>, <c>==</c>, ordering, <c>len</c>, iteration.</summary>
internal static class PyValues
{
    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        Undefined => "Undefined",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        Namespace => "Namespace",
        LoopContext => "LoopContext",
        _ => "function",
    };

    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        string s => StringRepr(s),
        Undefined => "",
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        IReadOnlyDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(p => StringRepr(p.Key) + ": " + Repr(p.Value))) + "}",
        Namespace ns => "<Namespace " + Repr(ns.Attributes) + ">",
        _ => "<" + TypeName(value) + ">",
    };

    private static string StringRepr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < ' ' || c == '\x7f')
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, scientific below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        string shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        (string digits, int exponent) = DigitsAndExponent(shortest);
        string sign = d < 0 || (d == 0 && double.IsNegative(d)) ? "-" : "";
        if (exponent is >= -4 and < 16)
        {
            string body;
            if (exponent < 0)
            {
                body = "0." + new string('0', -exponent - 1) + digits;
            }
            else if (digits.Length <= exponent + 1)
            {
                body = digits + new string('0', exponent + 1 - digits.Length) + ".0";
            }
            else
            {
                body = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
            }

            return sign + body;
        }

        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Significant digits (no leading or trailing zeros) and the decimal exponent of the first one.</summary>
    private static (string Digits, int Exponent) DigitsAndExponent(string roundTrip)
    {
        int exponentPart = 0;
        int e = roundTrip.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponentPart = int.Parse(roundTrip[(e + 1)..], CultureInfo.InvariantCulture);
            roundTrip = roundTrip[..e];
        }

        int point = roundTrip.IndexOf('.');
        string allDigits = roundTrip.Replace(".", "", StringComparison.Ordinal);
        int pointPosition = point < 0 ? roundTrip.Length : point;
        int firstNonZero = 0;
        while (firstNonZero < allDigits.Length - 1 && allDigits[firstNonZero] == '0')
        {
            firstNonZero++;
        }

        string digits = allDigits[firstNonZero..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return ("0", 0);
        }

        return (digits, pointPosition - firstNonZero - 1 + exponentPart);
    }

    public static bool AreEqual(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        }

        return (a, b) switch
        {
            (null, null) => true,
            (Undefined, Undefined) => true,
            (string x, string y) => x == y,
            (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => AreEqual(p.First, p.Second)),
            (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) =>
                x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && AreEqual(p.Value, v)),
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>Python ordering for <c>&lt;</c> and friends: numbers, strings (by code point) and lists.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        }

        switch (a, b)
        {
            case (Undefined u, _):
                throw u.Fail();
            case (_, Undefined u):
                throw u.Fail();
            case (string x, string y):
                return CompareCodePoints(x, y);
            case (IReadOnlyList<object?> x, IReadOnlyList<object?> y):
                for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
                {
                    if (!AreEqual(x[i], y[i]))
                    {
                        return Compare(x[i], y[i], op);
                    }
                }

                return x.Count.CompareTo(y.Count);
        }

        throw new JinjaRuntimeError($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static int CompareCodePoints(string x, string y)
    {
        var ex = x.EnumerateRunes();
        var ey = y.EnumerateRunes();
        while (true)
        {
            bool hx = ex.MoveNext();
            bool hy = ey.MoveNext();
            if (!hx || !hy)
            {
                return hx.CompareTo(hy);
            }

            int c = ex.Current.Value.CompareTo(ey.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeError($"expected an integer, got '{TypeName(value)}'"),
    };

    public static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeError($"expected a number, got '{TypeName(value)}'"),
    };

    public static long Length(object? value) => value switch
    {
        string s => PyStrings.Length(s),
        IReadOnlyList<object?> list => list.Count,
        IReadOnlyDictionary<string, object?> dict => dict.Count,
        Undefined => 0,
        _ => throw new JinjaRuntimeError($"object of type '{TypeName(value)}' has no len()"),
    };

    /// <summary>What <c>for x in value</c> walks: code points of a string, list items, dictionary keys, nothing for Undefined.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        string s => PyStrings.CodePoints(s).Cast<object?>().ToList(),
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        Undefined => [],
        _ => throw new JinjaRuntimeError($"'{TypeName(value)}' object is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw new JinjaRuntimeError($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        IReadOnlyDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        _ => Iterate(container).Any(x => AreEqual(x, item)),
    };
}
