namespace DISD.Templating;

/// <summary>Evaluated arguments of a filter, test or function call, read by Python position or keyword.</summary>
internal sealed class CallArguments(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named, string callee)
{
    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyDictionary<string, object?> Named { get; } = named;

    /// <summary>The argument at <paramref name="position"/> (after the filtered value) or named <paramref name="name"/>.</summary>
    public object? Get(int position, string name, object? fallback)
    {
        if (position < Positional.Count)
        {
            return Named.ContainsKey(name) ? throw new JinjaRuntimeError($"{callee}() got multiple values for argument '{name}'") : Positional[position];
        }

        return Named.TryGetValue(name, out var value) ? value : fallback;
    }

    /// <summary>Fails on arguments past <paramref name="names"/>, which list the accepted ones in Python order.</summary>
    public void Accept(params string[] names)
    {
        if (Positional.Count > names.Length)
        {
            throw new JinjaRuntimeError($"{callee}() takes at most {names.Length} arguments, got {Positional.Count}");
        }

        foreach (string key in Named.Keys)
        {
            if (!names.Contains(key))
            {
                throw new JinjaRuntimeError($"{callee}() got an unexpected keyword argument '{key}'");
            }
        }
    }
}
