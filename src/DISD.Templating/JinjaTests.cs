namespace DISD.Templating;

/// <summary>The tests of <c>x is name</c>, as jinja2 defines them on Python values.</summary>
internal static class JinjaTests
{
    public static bool Apply(string name, object? value, CallArguments args)
    {
        object? Arg() => args.Positional.Count > 0 ? args.Positional[0] : throw new JinjaRuntimeError($"test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double or bool,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is IReadOnlyDictionary<string, object?>,
            // Undefined has __iter__, __len__ and __getitem__ in jinja2, so it counts as both.
            "iterable" => value is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined,
            "sequence" => value is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined,
            "callable" => value is JinjaFunction or Macro,
            "odd" => PyValues.ToLong(value) % 2 != 0,
            "even" => PyValues.ToLong(value) % 2 == 0,
            "divisibleby" => PyValues.ToLong(value) % PyValues.ToLong(Arg()) == 0,
            "lower" => value is string s && s == s.ToLowerInvariant(),
            "upper" => value is string u && u == u.ToUpperInvariant(),
            "eq" or "equalto" or "==" => PyValues.AreEqual(value, Arg()),
            "ne" or "!=" => !PyValues.AreEqual(value, Arg()),
            "lt" or "lessthan" or "<" => PyValues.Compare(value, Arg(), "<") < 0,
            "le" or "<=" => PyValues.Compare(value, Arg(), "<=") <= 0,
            "gt" or "greaterthan" or ">" => PyValues.Compare(value, Arg(), ">") > 0,
            "ge" or ">=" => PyValues.Compare(value, Arg(), ">=") >= 0,
            "in" => PyValues.Contains(Arg(), value),
            "sameas" => ReferenceEquals(value, Arg()) || (value is null or bool && Arg() is null or bool && Equals(value, Arg())),
            _ => throw JinjaRuntimeError.Unsupported($"is {name}"),
        };
    }
}
