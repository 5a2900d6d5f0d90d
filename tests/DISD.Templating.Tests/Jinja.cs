namespace DISD.Templating.Tests;

internal static class Jinja
{
    public const string SourceName = "t.jinja";

    public static string Render(string template, params (string Name, object? Value)[] variables) =>
        JinjaTemplate.Parse(template, SourceName).Render(variables.ToDictionary(v => v.Name, v => v.Value));

    public static TemplateException Fails(string template, params (string Name, object? Value)[] variables) =>
        Assert.Throws<TemplateException>(() => Render(template, variables));
}
