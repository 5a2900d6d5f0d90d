namespace DISD.Templating;

/// <summary>A statement of the template; <see cref="Line"/> is where it starts.</summary>
internal abstract record Node(int Line);

internal sealed record TextNode(int Line, string Text) : Node(Line);

internal sealed record OutputNode(int Line, Expr Value) : Node(Line);

internal sealed record IfBranch(Expr Condition, IReadOnlyList<Node> Body);

internal sealed record IfNode(int Line, IReadOnlyList<IfBranch> Branches, IReadOnlyList<Node>? Else) : Node(Line);

internal sealed record ForNode(int Line, IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else)
    : Node(Line);

/// <summary><c>{% set a = … %}</c>, <c>{% set a, b = … %}</c> or, with <see cref="Attribute"/>, <c>{% set ns.attr = … %}</c>.</summary>
internal sealed record SetNode(int Line, IReadOnlyList<string> Targets, string? Attribute, Expr Value) : Node(Line);

/// <summary><c>{% set name %}…{% endset %}</c>: the rendered body becomes the value.</summary>
internal sealed record BlockSetNode(int Line, string Name, IReadOnlyList<Node> Body) : Node(Line);

internal sealed record MacroParameter(string Name, Expr? Default);

internal sealed record MacroNode(int Line, string Name, IReadOnlyList<MacroParameter> Parameters, IReadOnlyList<Node> Body) : Node(Line);

internal sealed record BreakNode(int Line) : Node(Line);

internal sealed record ContinueNode(int Line) : Node(Line);

/// <summary>transformers' <c>{% generation %}…{% endgeneration %}</c>: marks assistant text, renders its body unchanged.</summary>
internal sealed record GenerationNode(int Line, IReadOnlyList<Node> Body) : Node(Line);
