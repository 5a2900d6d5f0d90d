namespace DISD.Templating;

/// <summary>Builds the statement tree from the tokens; expressions are in JinjaParser.Expressions.cs.</summary>
internal sealed partial class JinjaParser
{
    private static readonly Dictionary<string, string> UnsupportedTags = new()
    {
        ["call"] = "call block",
        ["filter"] = "filter block",
        ["block"] = "block",
        ["extends"] = "extends",
        ["include"] = "include",
        ["import"] = "import",
        ["from"] = "from import",
        ["with"] = "with block",
        ["autoescape"] = "autoescape block",
        ["do"] = "do",
        ["trans"] = "trans block",
    };

    private readonly List<Token> _tokens;
    private readonly TemplateLocation _location;
    private int _index;

    private JinjaParser(List<Token> tokens, TemplateLocation location)
    {
        _tokens = tokens;
        _location = location;
    }

    public static IReadOnlyList<Node> Parse(List<Token> tokens, TemplateLocation location)
    {
        var parser = new JinjaParser(tokens, location);
        var body = parser.ParseBody([], out _);
        return body;
    }

    private Token Current => _tokens[_index];

    private Token Next() => _tokens[_index++];

    /// <summary>Parses statements until a block tag named in <paramref name="endTags"/>; consumes that tag's name.</summary>
    private List<Node> ParseBody(string[] endTags, out string? endTag)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Line, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    nodes.Add(new OutputNode(token.Line, ParseTuple()));
                    Expect(TokenKind.VariableEnd, "}}");
                    break;
                case TokenKind.BlockBegin:
                    var name = Current;
                    if (name.Kind == TokenKind.Name && endTags.Contains(name.Value))
                    {
                        _index++;
                        endTag = name.Value;
                        return nodes;
                    }

                    nodes.Add(ParseStatement());
                    break;
                case TokenKind.EndOfTemplate:
                    if (endTags.Length > 0)
                    {
                        throw _location.Error(token.Line, $"expected '{{% {endTags[^1]} %}}' before the end of the template");
                    }

                    endTag = null;
                    return nodes;
                default:
                    throw _location.Error(token.Line, $"unexpected {token.Describe()}");
            }
        }
    }

    private Node ParseStatement()
    {
        var tag = Next();
        if (tag.Kind != TokenKind.Name)
        {
            throw _location.Error(tag.Line, $"expected a tag name after '{{%', got {tag.Describe()}");
        }

        switch (tag.Value)
        {
            case "if": return ParseIf(tag.Line);
            case "for": return ParseFor(tag.Line);
            case "set": return ParseSet(tag.Line);
            case "macro": return ParseMacro(tag.Line);
            case "break":
                EndTag();
                return new BreakNode(tag.Line);
            case "continue":
                EndTag();
                return new ContinueNode(tag.Line);
            case "generation":
                EndTag();
                var generated = ParseBody(["endgeneration"], out _);
                EndTag();
                return new GenerationNode(tag.Line, generated);
        }

        string construct = UnsupportedTags.GetValueOrDefault(tag.Value, tag.Value);
        throw _location.Error(tag.Line, $"unsupported Jinja construct '{construct}'");
    }

    private IfNode ParseIf(int line)
    {
        var branches = new List<IfBranch>();
        IReadOnlyList<Node>? otherwise = null;
        var condition = ParseTuple();
        while (true)
        {
            EndTag();
            var body = ParseBody(["elif", "else", "endif"], out string? end);
            branches.Add(new IfBranch(condition, body));
            if (end == "elif")
            {
                condition = ParseTuple();
                continue;
            }

            if (end == "else")
            {
                EndTag();
                otherwise = ParseBody(["endif"], out _);
            }

            EndTag();
            return new IfNode(line, branches, otherwise);
        }
    }

    private ForNode ParseFor(int line)
    {
        var targets = ParseNameTargets();
        ExpectName("in");
        var iterable = ParseTuple(withCondition: false);
        Expr? filter = null;
        if (Current.IsName("if"))
        {
            _index++;
            filter = ParseExpression();
        }

        if (Current.IsName("recursive"))
        {
            throw _location.Error(Current.Line, "unsupported Jinja construct 'recursive for loop'");
        }

        EndTag();
        var body = ParseBody(["else", "endfor"], out string? end);
        IReadOnlyList<Node>? otherwise = null;
        if (end == "else")
        {
            EndTag();
            otherwise = ParseBody(["endfor"], out _);
        }

        EndTag();
        return new ForNode(line, targets, iterable, filter, body, otherwise);
    }

    private Node ParseSet(int line)
    {
        var first = ExpectKind(TokenKind.Name, "a variable name");
        if (Current.IsOperator("."))
        {
            _index++;
            string attribute = ExpectKind(TokenKind.Name, "an attribute name").Value;
            Expect(TokenKind.Operator, "=");
            var value = ParseTuple();
            EndTag();
            return new SetNode(line, [first.Value], attribute, value);
        }

        var targets = new List<string> { first.Value };
        while (Current.IsOperator(","))
        {
            _index++;
            targets.Add(ExpectKind(TokenKind.Name, "a variable name").Value);
        }

        if (Current.IsOperator("="))
        {
            _index++;
            var value = ParseTuple();
            EndTag();
            return new SetNode(line, targets, null, value);
        }

        if (targets.Count == 1 && Current.Kind == TokenKind.BlockEnd)
        {
            EndTag();
            var body = ParseBody(["endset"], out _);
            EndTag();
            return new BlockSetNode(line, first.Value, body);
        }

        if (Current.IsOperator("|"))
        {
            throw _location.Error(Current.Line, "unsupported Jinja construct 'filtered block set'");
        }

        throw _location.Error(Current.Line, $"expected '=' in the set tag, got {Current.Describe()}");
    }

    private MacroNode ParseMacro(int line)
    {
        string name = ExpectKind(TokenKind.Name, "a macro name").Value;
        Expect(TokenKind.Operator, "(");
        var parameters = new List<MacroParameter>();
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
            }

            string parameter = ExpectKind(TokenKind.Name, "a parameter name").Value;
            Expr? defaultValue = null;
            if (Current.IsOperator("="))
            {
                _index++;
                defaultValue = ParseExpression();
            }

            parameters.Add(new MacroParameter(parameter, defaultValue));
        }

        _index++;
        EndTag();
        var body = ParseBody(["endmacro"], out _);
        if (Current.Kind == TokenKind.Name)
        {
            _index++;
        }

        EndTag();
        return new MacroNode(line, name, parameters, body);
    }

    private List<string> ParseNameTargets()
    {
        bool parenthesized = Current.IsOperator("(");
        if (parenthesized)
        {
            _index++;
        }

        var names = new List<string> { ExpectKind(TokenKind.Name, "a loop variable").Value };
        while (Current.IsOperator(","))
        {
            _index++;
            names.Add(ExpectKind(TokenKind.Name, "a loop variable").Value);
        }

        if (parenthesized)
        {
            Expect(TokenKind.Operator, ")");
        }

        return names;
    }

    private void EndTag() => Expect(TokenKind.BlockEnd, "%}");

    private void ExpectName(string name)
    {
        if (!Current.IsName(name))
        {
            throw _location.Error(Current.Line, $"expected '{name}', got {Current.Describe()}");
        }

        _index++;
    }

    private Token ExpectKind(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw _location.Error(Current.Line, $"expected {what}, got {Current.Describe()}");
        }

        return Next();
    }

    private void Expect(TokenKind kind, string value)
    {
        if (Current.Kind != kind || (kind is TokenKind.Operator or TokenKind.Name && Current.Value != value))
        {
            throw _location.Error(Current.Line, $"expected '{value}', got {Current.Describe()}");
        }

        _index++;
    }
}
