namespace DISD.Templating.Tests;

/// <summary>Expressions, filters and tests against outputs jinja2 gives.</summary>
public class JinjaExpressionTests
{
    [Theory]
    [InlineData("{{ true }} {{ none }} {{ [1, 'a', none] }} {{ {'a': 1} }}", "True None [1, 'a', None] {'a': 1}")]
    [InlineData("{{ 1.0 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 1e20 }} {{ 0.0001 }} {{ 1.5e-5 }}", "1.0 3.5 2.0 1e+20 0.0001 1.5e-05")]
    [InlineData("{{ -7 // 2 }} {{ -7 % 3 }} {{ 'ab' * 2 }} {{ 2 ** 3 }} {{ 1 + 2 * 3 }} {{ 'a' ~ 1 ~ none }}", "-4 2 abab 8 7 a1None")]
    [InlineData("{{ 1 < 2 <= 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ 'x' in 'xyz' }} {{ 2 not in [1] }}", "True True True True True True")]
    [InlineData("{{ 'a' + 'b' | upper }} {{ not true or false }} {{ 0 or 'x' }} {{ 'y' if false }}|", "aB False x |")]
    [InlineData(@"{{ 'a\nb\t\'q\' \u00e9 \x41' }}", "a\nb\t'q' é A")]
    [InlineData("{{ 'ab' 'cd' }}", "abcd")]
    [InlineData("{{ '🙂ab' | length }} {{ '🙂ab'[0] }} {{ '🙂ab'[::-1] }}", "3 🙂 ba🙂")]
    [InlineData("{{ [1,2,3][1:] }} {{ [1,2,3][::-1] }} {{ [1,2,3][-1] }} {{ 'hello'[1:-1] }}", "[2, 3] [3, 2, 1] 3 ell")]
    public void Python_values_and_operators(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '\n\na\n'.lstrip('\n') }}|{{ 'a  '.rstrip() }}|", "a b|a|a\n|a|")]
    [InlineData("{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a</think>b'.split('</think>')[-1] }}", "['a', 'b', '', 'c']|['a', 'b']|b")]
    [InlineData("{{ 'Hello'.startswith(('x', 'He')) }} {{ 'Hello'.endswith('lo') }} {{ 'hello world'.title() }} {{ 'aaa'.replace('a', 'b', 2) }}",
        "True True Hello World bba")]
    [InlineData("{{ {'k': 'v'}.get('k') }} {{ {'k': 'v'}.get('z') }} {{ {'k': 'v'}.get('z', 1) }} {{ {'a': 1}.keys() | list }}", "v None 1 ['a']")]
    public void String_and_dictionary_methods(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ '  x  ' | trim }}|{{ 'hELLO wORLD' | title }}|{{ 'hELLO' | capitalize }}|{{ [1,2,3] | join('-') }}", "x|Hello World|Hello|1-2-3")]
    [InlineData("{{ [1,2] | first }}{{ [1,2] | last }}|{{ 'a,b' | replace(',', ';') }}|{{ '3.7' | int }}|{{ 'x' | int }}|{{ 'ab' | list }}",
        "12|a;b|3|0|['a', 'b']")]
    [InlineData("{{ x | default('d') }}|{{ '' | default('e', true) }}|{{ none | default('n') }}", "d|e|None")]
    [InlineData("{{ {'a': [1, 2.0, 'é'], 'b': none} | tojson }}", "{\"a\": [1, 2.0, \"é\"], \"b\": null}")]
    [InlineData("{{ {'a': [1]} | tojson(indent=2) }}", "{\n  \"a\": [\n    1\n  ]\n}")]
    [InlineData("{{ {'b': 1, 'a': {}} | tojson(sort_keys=true) }}|{{ 'é\"' | tojson(ensure_ascii=true) }}", "{\"a\": {}, \"b\": 1}|\"\\u00e9\\\"\"")]
    [InlineData("{{ [{'r': 'u'}, {'r': 'a'}] | selectattr('r', 'equalto', 'a') | list | length }} {{ [{'r': 'u'}, {'r': 'a'}] | map(attribute='r') | join }}",
        "1 ua")]
    [InlineData("{{ 'a\nb\n\nc' | indent(2) }}", "a\n  b\n\n  c")]
    public void Filters(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Fact]
    public void Tests() => Assert.Equal(
        "False True True True True True True True True False",
        Jinja.Render("{{ x is defined }} {{ none is none }} {{ true is number }} {{ 1 is integer }} {{ x is iterable }} {{ {} is mapping }} "
            + "{{ 'a' is string }} {{ 3 is divisibleby 3 }} {{ false is false }} {{ 1 is not number }}"));

    [Fact]
    public void Undefined_is_falsy_empty_and_iterates_as_nothing() =>
        Assert.Equal("[]d0n", Jinja.Render("[{{ x }}]{{ x | default('d') }}{{ x | length }}{% for i in x %}never{% endfor %}{{ 'y' if x else 'n' }}"));

    [Fact]
    public void A_missing_key_is_undefined() =>
        Assert.Equal("False||", Jinja.Render("{{ d.missing is defined }}|{{ d.missing }}|{{ d['missing'] }}", ("d", new Dictionary<string, object?>())));

    [Fact]
    public void Globals_keep_dictionary_order_and_number_types() => Assert.Equal(
        "b:2 a:1.5 ",
        Jinja.Render("{% for k, v in d.items() %}{{ k }}:{{ v }} {% endfor %}", ("d", new Dictionary<string, object?> { ["b"] = 2, ["a"] = 1.5 })));
}
