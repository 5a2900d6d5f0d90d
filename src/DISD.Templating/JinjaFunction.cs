namespace DISD.Templating;

/// <summary>
/// A function a template can call, such as a global passed to <see cref="JinjaTemplate.Render"/>: it gets the
/// positional and the keyword arguments, as template values (string, bool, long, double, null, lists, dictionaries).
/// </summary>
public delegate object? JinjaFunction(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named);
