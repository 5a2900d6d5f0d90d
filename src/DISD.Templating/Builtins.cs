namespace DISD.Templating;

/// <summary>jinja2's global functions: <c>namespace</c>, <c>dict</c>, <c>range</c>; the others are refused by name.</summary>
internal static class Builtins
{
    public static void AddTo(Scope scope)
    {
        scope.Set("namespace", new JinjaFunction(MakeNamespace));
        scope.Set("dict", new JinjaFunction(MakeDict));
        scope.Set("range", new JinjaFunction(Range));
        foreach (string name in new[] { "lipsum", "cycler", "joiner" })
        {
            scope.Set(name, new JinjaFunction((_, _) => throw JinjaRuntimeError.Unsupported(name + "()")));
        }
    }

    private static object? MakeNamespace(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        var ns = new Namespace();
        foreach (var pair in positional.SelectMany(Pairs).Concat(named))
        {
            ns.Attributes[pair.Key] = pair.Value;
        }

        return ns;
    }

    private static object? MakeDict(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in positional.SelectMany(Pairs).Concat(named))
        {
            dict[pair.Key] = pair.Value;
        }

        return dict;
    }

    private static IEnumerable<KeyValuePair<string, object?>> Pairs(object? mapping) =>
        mapping as IReadOnlyDictionary<string, object?> ?? throw new JinjaRuntimeError($"expected a mapping, got '{PyValues.TypeName(mapping)}'");

    private static object? Range(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        if (named.Count > 0 || positional.Count is 0 or > 3)
        {
            throw new JinjaRuntimeError("range() takes 1 to 3 positional arguments");
        }

        long start = positional.Count > 1 ? PyValues.ToLong(positional[0]) : 0;
        long stop = PyValues.ToLong(positional[positional.Count > 1 ? 1 : 0]);
        long step = positional.Count > 2 ? PyValues.ToLong(positional[2]) : 1;
        if (step == 0)
        {
            throw new JinjaRuntimeError("range() arg 3 must not be zero");
        }

        var result = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (result.Count >= 100_000)
            {
                throw new JinjaRuntimeError("range() is limited to 100000 items");
            }

            result.Add(i);
        }

        return result;
    }
}
