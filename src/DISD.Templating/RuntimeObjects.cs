namespace DISD.Templating;

/// <summary>
/// jinja2's default <c>Undefined</c>: falsy, renders as "", iterates as empty, has length 0 and equals only another
/// Undefined; anything else done with it (attribute, item, arithmetic, call) fails with <see cref="Hint"/>.
/// </summary>
internal sealed class Undefined(string hint)
{
    public string Hint { get; } = hint;

    public static Undefined Named(string name) => new($"'{name}' is undefined");

    public JinjaRuntimeError Fail() => new(Hint);
}

/// <summary>The object <c>namespace(...)</c> returns: attributes that <c>{% set ns.x = … %}</c> may change from inside a loop.</summary>
internal sealed class Namespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>The <c>loop</c> variable of a for loop.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Get(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)Index0 + 1,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new JinjaFunction((args, _) =>
            args.Count == 0 ? throw new JinjaRuntimeError("loop.cycle needs at least one argument") : args[Index0 % args.Count]),
        "changed" => throw JinjaRuntimeError.Unsupported("loop.changed"),
        _ => new Undefined($"'LoopContext' object has no attribute '{name}'"),
    };
}

/// <summary>A macro defined by the template, with the scope it was defined in.</summary>
internal sealed record Macro(MacroNode Definition, Scope DefiningScope);

/// <summary>Variables of one level: the globals, the template, a loop iteration or a macro call.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public void Set(string name, object? value) => _variables[name] = value;

    public object? Get(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return Undefined.Named(name);
    }

    private Scope? Parent { get; } = parent;
}
