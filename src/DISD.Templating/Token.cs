namespace DISD.Templating;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfTemplate,
}

/// <summary>One lexer token; <see cref="Literal"/> holds the parsed value of strings and numbers.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Line, object? Literal = null)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string name) => Is(TokenKind.Name, name);

    public bool IsOperator(string op) => Is(TokenKind.Operator, op);

    public string Describe() => Kind switch
    {
        TokenKind.EndOfTemplate => "end of template",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
