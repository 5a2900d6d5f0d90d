using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DISD.Templating;

/// <summary>jinja2's filters used by chat templates, with transformers' <c>tojson</c>.</summary>
internal static partial class JinjaFilters
{
    public static object? Apply(string name, object? value, CallArguments args)
    {
        switch (name)
        {
            case "trim":
                args.Accept("chars");
                return PyStrings.Strip(PyValues.Str(value), args.Get(0, "chars", null) as string);
            case "length" or "count":
                args.Accept();
                return PyValues.Length(value);
            case "tojson":
                return ToJson(value, args);
            case "upper":
                return PyValues.Str(value).ToUpperInvariant();
            case "lower":
                return PyValues.Str(value).ToLowerInvariant();
            case "capitalize":
                return PyStrings.Capitalize(PyValues.Str(value));
            case "title":
                return Title(PyValues.Str(value));
            case "default" or "d":
                args.Accept("default_value", "boolean");
                bool boolean = PyValues.IsTrue(args.Get(1, "boolean", false));
                return value is Undefined || (boolean && !PyValues.IsTrue(value)) ? args.Get(0, "default_value", "") : value;
            case "first":
                var items = PyValues.Iterate(value);
                return items.Count > 0 ? items[0] : new Undefined("No first item, sequence was empty.");
            case "last":
                var all = PyValues.Iterate(value);
                return all.Count > 0 ? all[^1] : new Undefined("No last item, sequence was empty.");
            case "join":
                args.Accept("d", "attribute");
                var parts = PyValues.Iterate(value)
                    .Select(x => args.Get(1, "attribute", null) is { } attribute ? ItemAttribute(x, PyValues.Str(attribute)) : x);
                return string.Join(PyValues.Str(args.Get(0, "d", "")), parts.Select(PyValues.Str));
            case "replace":
                args.Accept("old", "new", "count");
                return PyStrings.Replace(PyValues.Str(value), PyValues.Str(args.Get(0, "old", "")), PyValues.Str(args.Get(1, "new", "")),
                    args.Get(2, "count", null) is { } count ? PyValues.ToLong(count) : -1);
            case "string":
                return PyValues.Str(value);
            case "safe":
                return value;
            case "int":
                args.Accept("default", "base");
                return ToInt(value, args.Get(0, "default", 0L));
            case "float":
                args.Accept("default");
                return ToFloat(value, args.Get(0, "default", 0.0));
            case "abs":
                return value is double d ? Math.Abs(d) : (object)Math.Abs(PyValues.ToLong(value));
            case "list":
                return PyValues.Iterate(value).ToList();
            case "reverse":
                return value is string s ? string.Concat(PyStrings.CodePoints(s).AsEnumerable().Reverse()) : PyValues.Iterate(value).Reverse().ToList();
            case "unique":
                return Unique(value);
            case "items":
                return value switch
                {
                    Undefined => new List<object?>(),
                    IReadOnlyDictionary<string, object?> dict => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
                    _ => throw new JinjaRuntimeError("items: can only get item pairs from a mapping"),
                };
            case "indent":
                return Indent(PyValues.Str(value), args);
            case "select" or "reject":
                return Select(value, args, byAttribute: false, keep: name == "select");
            case "selectattr" or "rejectattr":
                return Select(value, args, byAttribute: true, keep: name == "selectattr");
            case "map":
                return Map(value, args);
        }

        throw JinjaRuntimeError.Unsupported($"|{name}");
    }

    /// <summary>transformers' tojson: <c>json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)</c>.</summary>
    private static string ToJson(object? value, CallArguments args)
    {
        args.Accept("ensure_ascii", "indent", "separators", "sort_keys");
        string? indent = args.Get(1, "indent", null) switch
        {
            null => null,
            long n => new string(' ', (int)Math.Max(0, n)),
            string s => s,
            var other => throw new JinjaRuntimeError($"tojson: indent must be an integer or a string, got '{PyValues.TypeName(other)}'"),
        };
        string itemSeparator = indent is null ? ", " : ",";
        string keySeparator = ": ";
        if (args.Get(2, "separators", null) is IReadOnlyList<object?> { Count: 2 } separators)
        {
            itemSeparator = PyValues.Str(separators[0]);
            keySeparator = PyValues.Str(separators[1]);
        }

        var options = new PythonJson.Options(PyValues.IsTrue(args.Get(0, "ensure_ascii", false)), indent, itemSeparator, keySeparator,
            PyValues.IsTrue(args.Get(3, "sort_keys", false)));
        return PythonJson.Dumps(value, options);
    }

    /// <summary>jinja2's title filter: words start after whitespace, '-', and opening brackets.</summary>
    private static string Title(string s) => string.Concat(WordBeginning().Split(s).Where(part => part.Length > 0)
        .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginning();

    private static object? ToInt(object? value, object? fallback)
    {
        switch (value)
        {
            case long or bool:
                return PyValues.ToLong(value);
            case double d:
                return (long)Math.Truncate(d);
            case string s:
                string t = PyStrings.Strip(s, null).Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                {
                    return l;
                }

                return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f)
                    ? (long)Math.Truncate(f)
                    : fallback;
        }

        return fallback;
    }

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        double or long or bool => PyValues.ToDouble(value),
        string s when double.TryParse(PyStrings.Strip(s, null), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) => f,
        _ => fallback,
    };

    private static List<object?> Unique(object? value)
    {
        var result = new List<object?>();
        foreach (var item in PyValues.Iterate(value))
        {
            if (!result.Any(seen => PyValues.AreEqual(item is string a ? a.ToLowerInvariant() : item, seen is string b ? b.ToLowerInvariant() : seen)))
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static string Indent(string s, CallArguments args)
    {
        args.Accept("width", "first", "blank");
        string indentation = args.Get(0, "width", 4L) is string w ? w : new string(' ', (int)PyValues.ToLong(args.Get(0, "width", 4L)));
        bool first = PyValues.IsTrue(args.Get(1, "first", false));
        bool blank = PyValues.IsTrue(args.Get(2, "blank", false));
        var lines = PyStrings.SplitLines(s + "\n");
        string result = blank
            ? string.Join("\n" + indentation, lines)
            : lines[0] + string.Concat(lines.Skip(1).Select(line => "\n" + (line.Length > 0 ? indentation + line : line)));
        return first ? indentation + result : result;
    }

    private static List<object?> Select(object? value, CallArguments args, bool byAttribute, bool keep)
    {
        var rest = args.Positional.ToList();
        string? attribute = null;
        if (byAttribute)
        {
            attribute = rest.Count > 0 ? PyValues.Str(rest[0]) : throw new JinjaRuntimeError("selectattr/rejectattr need an attribute name");
            rest.RemoveAt(0);
        }

        string? test = rest.Count > 0 ? PyValues.Str(rest[0]) : null;
        var testArgs = new CallArguments(rest.Skip(1).ToList(), args.Named, test ?? "test");
        return PyValues.Iterate(value).Where(item =>
        {
            var subject = attribute is null ? item : ItemAttribute(item, attribute);
            bool passed = test is null ? PyValues.IsTrue(subject) : JinjaTests.Apply(test, subject, testArgs);
            return passed == keep;
        }).ToList();
    }

    private static List<object?> Map(object? value, CallArguments args)
    {
        if (args.Named.TryGetValue("attribute", out var attribute))
        {
            bool hasDefault = args.Named.TryGetValue("default", out var fallback);
            return PyValues.Iterate(value).Select(item =>
            {
                var v = ItemAttribute(item, PyValues.Str(attribute));
                return v is Undefined && hasDefault ? fallback : v;
            }).ToList();
        }

        if (args.Positional.Count == 0)
        {
            throw new JinjaRuntimeError("map needs a filter name or attribute=");
        }

        string filter = PyValues.Str(args.Positional[0]);
        var filterArgs = new CallArguments(args.Positional.Skip(1).ToList(), args.Named, filter);
        return PyValues.Iterate(value).Select(item => Apply(filter, item, filterArgs)).ToList();
    }

    /// <summary>jinja2's attribute getter for filters: dotted path, each part an item lookup (integers as indices).</summary>
    private static object? ItemAttribute(object? item, string path)
    {
        foreach (string part in path.Split('.'))
        {
            object? key = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long index) ? index : part;
            item = PyAttributes.GetItem(item, key);
        }

        return item;
    }
}
