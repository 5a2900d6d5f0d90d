using System.Text;

namespace DISD.Templating;

internal sealed partial class TemplateRenderer
{
    private object? Eval(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case ConstantExpr c:
                return c.Value;
            case NameExpr n:
                return scope.Get(n.Name);
            case ListExpr l:
                return l.Items.Select(item => Eval(item, scope)).ToList();
            case DictExpr d:
                var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in d.Pairs)
                {
                    dict[Eval(key, scope) as string ?? throw new JinjaRuntimeError("dictionary keys must be strings")] = Eval(value, scope);
                }

                return dict;
            case AttributeExpr a:
                return PyAttributes.GetAttribute(Eval(a.Target, scope), a.Name);
            case ItemExpr i:
                return PyAttributes.GetItem(Eval(i.Target, scope), Eval(i.Key, scope));
            case SliceExpr s:
                return PyAttributes.Slice(Eval(s.Target, scope), EvalOptional(s.Start, scope), EvalOptional(s.Stop, scope), EvalOptional(s.Step, scope));
            case CallExpr call:
                return Call(Eval(call.Callee, scope), EvalArguments(call.Args, scope, "function"));
            case FilterExpr f:
                return JinjaFilters.Apply(f.Name, Eval(f.Value, scope), EvalArguments(f.Args, scope, f.Name));
            case TestExpr t:
                return JinjaTests.Apply(t.Name, Eval(t.Value, scope), EvalArguments(t.Args, scope, t.Name)) != t.Negated;
            case UnaryExpr u:
                var operand = Eval(u.Operand, scope);
                return u.Operator switch
                {
                    "not" => !PyValues.IsTrue(operand),
                    "-" => PyOperators.Negate(operand),
                    _ => PyOperators.Positive(operand),
                };
            case BinaryExpr { Operator: "and" } and:
                var left = Eval(and.Left, scope);
                return PyValues.IsTrue(left) ? Eval(and.Right, scope) : left;
            case BinaryExpr { Operator: "or" } or:
                var first = Eval(or.Left, scope);
                return PyValues.IsTrue(first) ? first : Eval(or.Right, scope);
            case BinaryExpr bin:
                return PyOperators.Binary(bin.Operator, Eval(bin.Left, scope), Eval(bin.Right, scope));
            case CompareExpr cmp:
                return Compare(cmp, scope);
            case ConditionalExpr cond:
                return PyValues.IsTrue(Eval(cond.Test, scope))
                    ? Eval(cond.Then, scope)
                    : cond.Otherwise is null ? new Undefined("the conditional expression had no else branch") : Eval(cond.Otherwise, scope);
        }

        throw JinjaRuntimeError.Unsupported(expr.GetType().Name);
    }

    private object? EvalOptional(Expr? expr, Scope scope) => expr is null ? null : Eval(expr, scope);

    private CallArguments EvalArguments(Arguments args, Scope scope, string callee)
    {
        var positional = args.Positional.Select(a => Eval(a, scope)).ToList();
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in args.Named)
        {
            named[name] = Eval(value, scope);
        }

        return new CallArguments(positional, named, callee);
    }

    private bool Compare(CompareExpr cmp, Scope scope)
    {
        var left = Eval(cmp.First, scope);
        foreach (var (op, operand) in cmp.Rest)
        {
            var right = Eval(operand, scope);
            bool holds = op switch
            {
                "==" => PyValues.AreEqual(left, right),
                "!=" => !PyValues.AreEqual(left, right),
                "in" => PyValues.Contains(right, left),
                "not in" => !PyValues.Contains(right, left),
                "<" => PyValues.Compare(left, right, op) < 0,
                "<=" => PyValues.Compare(left, right, op) <= 0,
                ">" => PyValues.Compare(left, right, op) > 0,
                _ => PyValues.Compare(left, right, op) >= 0,
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }

    private object? Call(object? callee, CallArguments args) => callee switch
    {
        JinjaFunction f => f(args.Positional, args.Named),
        Macro m => CallMacro(m, args),
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeError($"'{PyValues.TypeName(callee)}' object is not callable"),
    };

    private string CallMacro(Macro macro, CallArguments args)
    {
        var definition = macro.Definition;
        if (args.Positional.Count > definition.Parameters.Count)
        {
            throw new JinjaRuntimeError($"macro '{definition.Name}' takes not more than {definition.Parameters.Count} arguments");
        }

        var scope = new Scope(macro.DefiningScope);
        for (int i = 0; i < definition.Parameters.Count; i++)
        {
            var parameter = definition.Parameters[i];
            object? value = i < args.Positional.Count ? args.Positional[i]
                : args.Named.TryGetValue(parameter.Name, out var named) ? named
                : parameter.Default is null ? Undefined.Named(parameter.Name) : Eval(parameter.Default, scope);
            scope.Set(parameter.Name, value);
        }

        foreach (string name in args.Named.Keys.Where(n => definition.Parameters.All(p => p.Name != n)))
        {
            throw new JinjaRuntimeError($"macro '{definition.Name}' has no parameter '{name}'");
        }

        var output = new StringBuilder();
        Execute(definition.Body, scope, output);
        return output.ToString();
    }
}
