namespace DISD.Templating;

internal abstract record Expr(int Line);

internal sealed record ConstantExpr(int Line, object? Value) : Expr(Line);

internal sealed record NameExpr(int Line, string Name) : Expr(Line);

internal sealed record ListExpr(int Line, IReadOnlyList<Expr> Items) : Expr(Line);

internal sealed record DictExpr(int Line, IReadOnlyList<(Expr Key, Expr Value)> Pairs) : Expr(Line);

internal sealed record AttributeExpr(int Line, Expr Target, string Name) : Expr(Line);

internal sealed record ItemExpr(int Line, Expr Target, Expr Key) : Expr(Line);

internal sealed record SliceExpr(int Line, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Line);

internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    public static readonly Arguments None = new([], []);
}

internal sealed record CallExpr(int Line, Expr Callee, Arguments Args) : Expr(Line);

internal sealed record FilterExpr(int Line, Expr Value, string Name, Arguments Args) : Expr(Line);

internal sealed record TestExpr(int Line, Expr Value, string Name, Arguments Args, bool Negated) : Expr(Line);

/// <summary><c>not</c>, unary <c>-</c> and unary <c>+</c>.</summary>
internal sealed record UnaryExpr(int Line, string Operator, Expr Operand) : Expr(Line);

/// <summary>Arithmetic, <c>~</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpr(int Line, string Operator, Expr Left, Expr Right) : Expr(Line);

/// <summary>A Python comparison chain <c>a &lt; b &lt;= c</c>; operators include <c>in</c> and <c>not in</c>.</summary>
internal sealed record CompareExpr(int Line, Expr First, IReadOnlyList<(string Operator, Expr Operand)> Rest) : Expr(Line);

/// <summary><c>then if test else otherwise</c>; without <c>else</c> the value is undefined when the test fails.</summary>
internal sealed record ConditionalExpr(int Line, Expr Test, Expr Then, Expr? Otherwise) : Expr(Line);
