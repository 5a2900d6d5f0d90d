namespace DISD.Templating.Tests;

/// <summary>Statements against outputs jinja2 gives.</summary>
public class JinjaStatementTests
{
    [Fact]
    public void Loop_variables() => Assert.Equal(
        "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;",
        Jinja.Render("{% for x in ['a','b','c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}"
            + "{{ loop.length }};{% endfor %}"));

    [Fact]
    public void Previous_and_next_items_are_undefined_at_the_ends() =>
        Assert.Equal("-2;1-3;2-;", Jinja.Render("{% for x in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }};{% endfor %}"));

    [Fact]
    public void A_loop_filter_runs_before_the_loop_counts() =>
        Assert.Equal("0/3 2/3 4/3 ", Jinja.Render("{% for x in range(6) if x is even %}{{ x }}/{{ loop.length }} {% endfor %}"));

    [Fact]
    public void Else_of_an_empty_loop() => Assert.Equal("empty", Jinja.Render("{% for x in [] %}x{% else %}empty{% endfor %}"));

    [Fact]
    public void Break_and_continue() => Assert.Equal(
        "0134", Jinja.Render("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}"));

    [Fact]
    public void A_set_inside_a_loop_does_not_leak_but_a_namespace_does()
    {
        Assert.Equal("no", Jinja.Render("{% set seen = false %}{% for x in [1] %}{% set seen = true %}{% endfor %}{{ 'yes' if seen else 'no' }}"));
        Assert.Equal("6", Jinja.Render("{% set ns = namespace(n=0) %}{% for i in [1,2,3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"));
    }

    [Fact]
    public void A_set_inside_an_if_is_visible_after_it() =>
        Assert.Equal("2", Jinja.Render("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}"));

    [Fact]
    public void Tuple_unpacking_of_items() =>
        Assert.Equal("a=1 b=2 ", Jinja.Render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }} {% endfor %}"));

    [Fact]
    public void Block_set_captures_the_rendered_body() =>
        Assert.Equal("[  a 1\n]", Jinja.Render("{% set x %}  a {{ 1 }}\n{% endset %}[{{ x }}]"));

    [Fact]
    public void Macros_with_defaults_and_keywords() => Assert.Equal(
        "Hi A! Hi B?", Jinja.Render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }}"));

    [Fact]
    public void Generation_tags_render_their_body() =>
        Assert.Equal("ab", Jinja.Render("{% generation %}a{% endgeneration %}b"));
}
