namespace DISD.Templating;

/// <summary>Expressions, with jinja2's precedence: conditional, or, and, not, comparisons, + -, ~, * / // %, **,
/// unary, then postfix (. [] ()), filters and tests.</summary>
internal sealed partial class JinjaParser
{
    private static readonly HashSet<string> ComparisonOperators = ["==", "!=", "<", ">", "<=", ">="];

    /// <summary>An expression, or a tuple of them (<c>a, b</c>) which becomes a list.</summary>
    private Expr ParseTuple(bool withCondition = true)
    {
        int line = Current.Line;
        var first = withCondition ? ParseExpression() : ParseOr();
        if (!Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd || Current.IsName("in") || Current.IsOperator(")"))
            {
                break;
            }

            items.Add(withCondition ? ParseExpression() : ParseOr());
        }

        return new ListExpr(line, items);
    }

    private Expr ParseExpression()
    {
        var value = ParseOr();
        while (Current.IsName("if"))
        {
            int line = Next().Line;
            var test = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                _index++;
                otherwise = ParseExpression();
            }

            value = new ConditionalExpr(line, test, value, otherwise);
        }

        return value;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "or", left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "and", left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            int line = Next().Line;
            return new UnaryExpr(line, "not", ParseNot());
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        int line = Current.Line;
        var first = ParseAdditive();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && ComparisonOperators.Contains(Current.Value))
            {
                string op = Next().Value;
                rest.Add((op, ParseAdditive()));
            }
            else if (Current.IsName("in"))
            {
                _index++;
                rest.Add(("in", ParseAdditive()));
            }
            else if (Current.IsName("not") && _tokens[_index + 1].IsName("in"))
            {
                _index += 2;
                rest.Add(("not in", ParseAdditive()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpr(line, first, rest);
    }

    private Expr ParseAdditive()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (Current.IsOperator("~"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "~", left, ParseMultiplicative());
        }

        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParsePower();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParsePower());
        }

        return left;
    }

    private Expr ParsePower()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "**", left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Next();
            node = new UnaryExpr(op.Line, op.Value, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        return withFilter ? ParseFiltersAndTests(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new ConstantExpr(token.Line, true),
                    "false" or "False" => new ConstantExpr(token.Line, false),
                    "none" or "None" => new ConstantExpr(token.Line, null),
                    _ => new NameExpr(token.Line, token.Value),
                };
            case TokenKind.String:
                string text = (string)token.Literal!;
                while (Current.Kind == TokenKind.String)
                {
                    text += (string)Next().Literal!;
                }

                return new ConstantExpr(token.Line, text);
            case TokenKind.Integer:
            case TokenKind.Float:
                return new ConstantExpr(token.Line, token.Literal);
            case TokenKind.Operator when token.Value == "(":
                if (Current.IsOperator(")"))
                {
                    _index++;
                    return new ListExpr(token.Line, []);
                }

                var inner = ParseTuple();
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                return new ListExpr(token.Line, ParseSequence("]"));
            case TokenKind.Operator when token.Value == "{":
                return ParseDict(token.Line);
        }

        throw _location.Error(token.Line, $"unexpected {token.Describe()} in an expression");
    }

    private List<Expr> ParseSequence(string close)
    {
        var items = new List<Expr>();
        while (!Current.IsOperator(close))
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.IsOperator(close))
                {
                    break;
                }
            }

            items.Add(ParseExpression());
        }

        _index++;
        return items;
    }

    private DictExpr ParseDict(int line)
    {
        var pairs = new List<(Expr, Expr)>();
        while (!Current.IsOperator("}"))
        {
            if (pairs.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.IsOperator("}"))
                {
                    break;
                }
            }

            var key = ParseExpression();
            Expect(TokenKind.Operator, ":");
            pairs.Add((key, ParseExpression()));
        }

        _index++;
        return new DictExpr(line, pairs);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("."))
            {
                var dot = Next();
                var name = Next();
                node = name.Kind switch
                {
                    TokenKind.Name => new AttributeExpr(dot.Line, node, name.Value),
                    TokenKind.Integer => new ItemExpr(dot.Line, node, new ConstantExpr(dot.Line, name.Literal)),
                    _ => throw _location.Error(name.Line, $"expected an attribute name after '.', got {name.Describe()}"),
                };
            }
            else if (Current.IsOperator("["))
            {
                node = ParseSubscript(node, Next().Line);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Next().Line, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr target, int line)
    {
        var parts = new Expr?[3];
        int part = 0;
        bool isSlice = false;
        while (!Current.IsOperator("]"))
        {
            if (Current.IsOperator(":"))
            {
                _index++;
                isSlice = true;
                if (++part > 2)
                {
                    throw _location.Error(line, "a slice takes at most start:stop:step");
                }

                continue;
            }

            parts[part] = ParseExpression();
            if (!Current.IsOperator(":") && !Current.IsOperator("]"))
            {
                throw _location.Error(Current.Line, $"expected ']' or ':' in a subscript, got {Current.Describe()}");
            }
        }

        _index++;
        if (isSlice)
        {
            return new SliceExpr(line, target, parts[0], parts[1], parts[2]);
        }

        return new ItemExpr(line, target, parts[0] ?? throw _location.Error(line, "empty subscript '[]'"));
    }

    /// <summary>Arguments after '(' up to and including ')'.</summary>
    private Arguments ParseCallArguments()
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }

            if (Current.IsOperator("*") || Current.IsOperator("**"))
            {
                throw _location.Error(Current.Line, "unsupported Jinja construct '*args / **kwargs in a call'");
            }

            if (Current.Kind == TokenKind.Name && _tokens[_index + 1].IsOperator("="))
            {
                string name = Next().Value;
                _index++;
                named.Add((name, ParseExpression()));
            }
            else
            {
                positional.Add(ParseExpression());
            }
        }

        _index++;
        return new Arguments(positional, named);
    }

    private Expr ParseFiltersAndTests(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                int line = Next().Line;
                string name = ExpectKind(TokenKind.Name, "a filter name").Value;
                var args = Arguments.None;
                if (Current.IsOperator("("))
                {
                    _index++;
                    args = ParseCallArguments();
                }

                node = new FilterExpr(line, node, name, args);
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node, Next().Line);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Next().Line, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private TestExpr ParseTest(Expr node, int line)
    {
        bool negated = false;
        if (Current.IsName("not"))
        {
            _index++;
            negated = true;
        }

        string name = ExpectKind(TokenKind.Name, "a test name").Value;
        var args = Arguments.None;
        if (Current.IsOperator("("))
        {
            _index++;
            args = ParseCallArguments();
        }
        else if (StartsTestArgument(Current))
        {
            var argument = ParsePostfix(ParsePrimary());
            args = new Arguments([argument], []);
        }

        return new TestExpr(line, node, name, args, negated);
    }

    private static bool StartsTestArgument(Token token) => token.Kind switch
    {
        // jinja2 takes any other name as the argument of a test ("x is divisibleby three").
        TokenKind.Name => token.Value is not ("else" or "or" or "and"),
        TokenKind.String or TokenKind.Integer or TokenKind.Float => true,
        TokenKind.Operator => token.Value is "[" or "{",
        _ => false,
    };
}
