namespace DISD.Templating;

/// <summary>
/// <c>x.name</c>, <c>x[key]</c> and <c>x[a:b:c]</c> as jinja2's sandbox resolves them: dictionary methods before keys
/// for <c>.name</c>, keys before methods for <c>[key]</c>, a missing one is Undefined.
/// </summary>
internal static class PyAttributes
{
    private static readonly HashSet<string> UnsupportedStringMethods =
    [
        "format", "format_map", "center", "ljust", "rjust", "zfill", "partition", "rpartition", "rsplit", "splitlines",
        "expandtabs", "encode", "casefold", "swapcase", "isalnum", "isalpha", "isdigit", "isnumeric", "isdecimal",
        "isspace", "islower", "isupper", "istitle", "isidentifier", "isprintable", "isascii", "index", "rfind",
        "rindex", "removeprefix", "removesuffix", "translate", "maketrans",
    ];

    private static readonly HashSet<string> ListMethods =
        ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "copy", "index", "count"];

    public static object? GetAttribute(object? target, string name)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case string s:
                return StringMethod(s, name);
            case IReadOnlyDictionary<string, object?> dict:
                return DictMethod(dict, name)
                    ?? (dict.TryGetValue(name, out var value) ? value : new Undefined($"'dict object' has no attribute '{name}'"));
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : new Undefined($"'Namespace' object has no attribute '{name}'");
            case LoopContext loop:
                return loop.Get(name);
            case IReadOnlyList<object?> when ListMethods.Contains(name):
                throw JinjaRuntimeError.Unsupported($"list.{name}");
        }

        return new Undefined($"'{PyValues.TypeName(target)}' object has no attribute '{name}'");
    }

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case IReadOnlyDictionary<string, object?> dict:
                if (key is string k && dict.TryGetValue(k, out var value))
                {
                    return value;
                }

                return key is string name && DictMethod(dict, name) is { } method
                    ? method
                    : new Undefined($"'dict object' has no attribute {PyValues.Repr(key)}");
            case IReadOnlyList<object?> list when key is long or bool:
                long i = PyValues.ToLong(key);
                i = i < 0 ? i + list.Count : i;
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined($"list object has no element {PyValues.Repr(key)}");
            case string s when key is long or bool:
                var codePoints = PyStrings.CodePoints(s);
                long j = PyValues.ToLong(key);
                j = j < 0 ? j + codePoints.Count : j;
                return j >= 0 && j < codePoints.Count ? codePoints[(int)j] : new Undefined($"str object has no element {PyValues.Repr(key)}");
        }

        return key is string attribute
            ? GetAttribute(target, attribute)
            : new Undefined($"'{PyValues.TypeName(target)}' object has no element {PyValues.Repr(key)}");
    }

    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined u)
        {
            throw u.Fail();
        }

        IReadOnlyList<object?> items = target switch
        {
            string s => PyStrings.CodePoints(s).Cast<object?>().ToList(),
            IReadOnlyList<object?> list => list,
            _ => throw new JinjaRuntimeError($"'{PyValues.TypeName(target)}' object is not subscriptable"),
        };
        var picked = SliceIndices(items.Count, start, stop, step).Select(i => items[i]).ToList();
        return target is string ? string.Concat(picked.Cast<string>()) : picked;
    }

    /// <summary>The indices Python's <c>slice(start, stop, step).indices(count)</c> walks.</summary>
    private static IEnumerable<int> SliceIndices(int count, object? start, object? stop, object? step)
    {
        long st = IsNone(step) ? 1 : PyValues.ToLong(step);
        if (st == 0)
        {
            throw new JinjaRuntimeError("slice step cannot be zero");
        }

        long lower = st > 0 ? 0 : -1;
        long upper = st > 0 ? count : count - 1;
        long from = IsNone(start) ? (st > 0 ? lower : upper) : Clamp(PyValues.ToLong(start), count, lower, upper);
        long to = IsNone(stop) ? (st > 0 ? upper : lower) : Clamp(PyValues.ToLong(stop), count, lower, upper);
        for (long i = from; st > 0 ? i < to : i > to; i += st)
        {
            yield return (int)i;
        }
    }

    private static long Clamp(long index, int count, long lower, long upper)
    {
        if (index < 0)
        {
            index += count;
        }

        return Math.Clamp(index, lower, upper);
    }

    private static bool IsNone(object? value) => value is null or Undefined;

    private static JinjaFunction? DictMethod(IReadOnlyDictionary<string, object?> dict, string name) => name switch
    {
        "items" => Method(0, 0, _ => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
        "keys" => Method(0, 0, _ => dict.Keys.Cast<object?>().ToList()),
        "values" => Method(0, 0, _ => dict.Values.ToList()),
        "get" => Method(1, 2, a => a[0] is string key && dict.TryGetValue(key, out var v) ? v : a.Count > 1 ? a[1] : null),
        _ => null,
    };

    private static object? StringMethod(string s, string name)
    {
        if (UnsupportedStringMethods.Contains(name))
        {
            throw JinjaRuntimeError.Unsupported($"str.{name}");
        }

        return name switch
        {
            "strip" => Method(0, 1, a => PyStrings.Strip(s, OptionalString(a, 0))),
            "lstrip" => Method(0, 1, a => PyStrings.LStrip(s, OptionalString(a, 0))),
            "rstrip" => Method(0, 1, a => PyStrings.RStrip(s, OptionalString(a, 0))),
            "split" => Method(0, 2, a => PyStrings.Split(s, OptionalString(a, 0), a.Count > 1 ? PyValues.ToLong(a[1]) : -1)),
            "startswith" => Method(1, 1, a => Affixes(a[0]).Any(p => s.StartsWith(p, StringComparison.Ordinal))),
            "endswith" => Method(1, 1, a => Affixes(a[0]).Any(p => s.EndsWith(p, StringComparison.Ordinal))),
            "replace" => Method(2, 3, a => PyStrings.Replace(s, RequireString(a[0]), RequireString(a[1]), a.Count > 2 ? PyValues.ToLong(a[2]) : -1)),
            "upper" => Method(0, 0, _ => s.ToUpperInvariant()),
            "lower" => Method(0, 0, _ => s.ToLowerInvariant()),
            "title" => Method(0, 0, _ => PyStrings.Title(s)),
            "capitalize" => Method(0, 0, _ => PyStrings.Capitalize(s)),
            "find" => Method(1, 1, a => (long)CodePointIndex(s, s.IndexOf(RequireString(a[0]), StringComparison.Ordinal))),
            "count" => Method(1, 1, a => (long)CountOccurrences(s, RequireString(a[0]))),
            "join" => Method(1, 1, a => string.Join(s, PyValues.Iterate(a[0]).Select(RequireString))),
            _ => new Undefined($"'str object' has no attribute '{name}'"),
        };
    }

    private static JinjaFunction Method(int minArgs, int maxArgs, Func<IReadOnlyList<object?>, object?> body) => (args, named) =>
    {
        if (named.Count > 0 || args.Count < minArgs || args.Count > maxArgs)
        {
            throw new JinjaRuntimeError($"method takes {minArgs}..{maxArgs} positional arguments, got {args.Count} positional and {named.Count} keyword");
        }

        return body(args);
    };

    private static string? OptionalString(IReadOnlyList<object?> args, int index) =>
        args.Count > index && args[index] is not null ? RequireString(args[index]) : null;

    private static string RequireString(object? value) =>
        value as string ?? throw new JinjaRuntimeError($"expected a string argument, got '{PyValues.TypeName(value)}'");

    private static IEnumerable<string> Affixes(object? value) =>
        value is IReadOnlyList<object?> options ? options.Select(RequireString) : [RequireString(value)];

    private static int CodePointIndex(string s, int utf16Index) =>
        utf16Index < 0 ? -1 : PyStrings.Length(s[..utf16Index]);

    private static int CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return PyStrings.Length(s) + 1;
        }

        int n = 0;
        for (int at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
