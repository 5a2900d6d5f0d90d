namespace DISD.Templating.Tests;

/// <summary>What the interpreter does not do is an error naming the source, line and construct.</summary>
public class JinjaErrorTests
{
    [Theory]
    [InlineData("line1\n{% call foo() %}x{% endcall %}", "t.jinja: chat template line 2: unsupported Jinja construct 'call block'")]
    [InlineData("{% raw %}{{ x }}{% endraw %}", "t.jinja: chat template line 1: unsupported Jinja construct 'raw block'")]
    [InlineData("{% include 'other.jinja' %}", "t.jinja: chat template line 1: unsupported Jinja construct 'include'")]
    [InlineData("a\n\n{{ 'x' | wordwrap }}", "t.jinja: chat template line 3: unsupported Jinja construct '|wordwrap'")]
    [InlineData("{{ '{}'.format(1) }}", "t.jinja: chat template line 1: unsupported Jinja construct 'str.format'")]
    [InlineData("{{ 1 is prime }}", "t.jinja: chat template line 1: unsupported Jinja construct 'is prime'")]
    [InlineData("{% for x in y recursive %}{% endfor %}", "t.jinja: chat template line 1: unsupported Jinja construct 'recursive for loop'")]
    [InlineData("{{ '%s' % 1 }}", "t.jinja: chat template line 1: unsupported Jinja construct 'string % formatting'")]
    public void Unsupported_constructs_name_source_line_and_construct(string template, string message) =>
        Assert.Equal(message, Jinja.Fails(template).Message);

    [Theory]
    [InlineData("{{ x.y }}", "t.jinja: chat template line 1: 'x' is undefined")]
    [InlineData("{{ 'a' + 1 }}", "t.jinja: chat template line 1: unsupported operand type(s) for +: 'str' and 'int'")]
    [InlineData("{% if x %}no end", "t.jinja: chat template line 1: expected '{% endif %}' before the end of the template")]
    [InlineData("{{ x ", "t.jinja: chat template line 1: tag '{{' is never closed")]
    [InlineData("{{ undefined_thing | tojson }}", "t.jinja: chat template line 1: tojson: Object of type Undefined is not JSON serializable")]
    public void Errors_jinja2_raises_are_errors_too(string template, string message) =>
        Assert.Equal(message, Jinja.Fails(template).Message);

    [Fact]
    public void Undefined_message_of_a_missing_dictionary_key_used_in_arithmetic() =>
        Assert.Equal("t.jinja: chat template line 1: 'dict object' has no attribute 'content'",
            Jinja.Fails("{{ m.content + 'x' }}", ("m", new Dictionary<string, object?>())).Message);

    [Fact]
    public void Strftime_codes() => Assert.Equal(
        "26 Jul 2024|July 26|13:05:09|Fri Friday|24 07 208 PM 01|%",
        Strftime.Format(new DateTime(2024, 7, 26, 13, 5, 9), "%d %b %Y|%B %-d|%H:%M:%S|%a %A|%y %m %j %p %I|%%"));
}
