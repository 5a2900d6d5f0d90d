namespace DISD.Templating;

/// <summary>
/// A Jinja template, parsed and rendered as transformers' chat templating does (jinja2 with <c>trim_blocks</c>,
/// <c>lstrip_blocks</c>, the loopcontrols extension and the <c>{% generation %}</c> tag) for the subset of Jinja that
/// chat templates use. Anything outside that subset is a <see cref="TemplateException"/> naming the source, line and
/// construct, never a different rendering.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _body;
    private readonly TemplateLocation _location;

    private JinjaTemplate(IReadOnlyList<Node> body, TemplateLocation location)
    {
        _body = body;
        _location = location;
    }

    /// <summary>Parses <paramref name="source"/>; <paramref name="sourceName"/> (e.g. a file name) starts every error message.</summary>
    public static JinjaTemplate Parse(string source, string sourceName)
    {
        string normalized = JinjaLexer.NormalizeNewlines(source);
        var location = new TemplateLocation(sourceName, normalized);
        return new JinjaTemplate(JinjaParser.Parse(JinjaLexer.Tokenize(normalized, location), location), location);
    }

    /// <summary>
    /// Renders with the given variables: string, bool, integers, floating point, null (None), lists, string-keyed
    /// dictionaries (insertion order kept), <see cref="System.Text.Json.JsonElement"/> and <see cref="JinjaFunction"/>.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> globals)
    {
        var scope = new Scope(null);
        Builtins.AddTo(scope);
        foreach (var (name, value) in globals)
        {
            scope.Set(name, TemplateValues.Import(value));
        }

        return new TemplateRenderer(_location).Render(_body, scope);
    }
}
