namespace DISD.Templating.Tests;

/// <summary>Whitespace as jinja2 renders it with transformers' trim_blocks=True, lstrip_blocks=True.</summary>
public class JinjaWhitespaceTests
{
    [Theory]
    [InlineData("{% if true %}\nyes\n{% endif %}\nend", "yes\nend")]
    [InlineData("  {% if true %}\n  x\n  {% endif %}\n", "  x\n")]
    [InlineData("  {{ 'a' }}\n", "  a")]
    [InlineData("  {%+ if true %}x{% endif %}", "  x")]
    [InlineData("{% if true +%}\nx{% endif %}", "\nx")]
    [InlineData("a  \n  {{- 'b' -}}  \n  c", "abc")]
    [InlineData("a\n  {%- if true -%}  \n b {%- endif %}", "ab")]
    [InlineData("a\n{# a comment #}\nb", "a\nb")]
    [InlineData("a\n   {# indented comment #}\nb", "a\nb")]
    [InlineData("a {% if true %}b{% endif %}", "a b")]
    [InlineData("x\n", "x")]
    [InlineData("x\n\n", "x\n")]
    [InlineData("a\r\nb", "a\nb")]
    [InlineData("{{ 'x' }}\n{{ 'y' }}", "x\ny")]
    public void Whitespace_control_trim_and_lstrip_blocks(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Fact]
    public void A_tag_ends_only_where_its_brackets_are_balanced() =>
        Assert.Equal("}}|%}", Jinja.Render("{{ {'a': '}}'}['a'] }}|{% set x = ['%}'] %}{{ x[0] }}"));
}
