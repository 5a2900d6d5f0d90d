using System.Text;

namespace DISD.Templating;

/// <summary>Executes the statement tree into text; expressions are in TemplateRenderer.Expressions.cs.</summary>
internal sealed partial class TemplateRenderer
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly TemplateLocation _location;

    public TemplateRenderer(TemplateLocation location)
    {
        _location = location;
    }

    public string Render(IReadOnlyList<Node> body, Scope globals)
    {
        var output = new StringBuilder();
        Execute(body, new Scope(globals), output);
        return output.ToString();
    }

    private Flow Execute(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = ExecuteOne(node, scope, output);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow ExecuteOne(Node node, Scope scope, StringBuilder output)
    {
        try
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    return Flow.Normal;
                case OutputNode o:
                    output.Append(PyValues.Str(Eval(o.Value, scope)));
                    return Flow.Normal;
                case IfNode i:
                    foreach (var branch in i.Branches)
                    {
                        if (PyValues.IsTrue(Eval(branch.Condition, scope)))
                        {
                            return Execute(branch.Body, scope, output);
                        }
                    }

                    return i.Else is null ? Flow.Normal : Execute(i.Else, scope, output);
                case ForNode f:
                    ExecuteFor(f, scope, output);
                    return Flow.Normal;
                case SetNode s:
                    ExecuteSet(s, scope);
                    return Flow.Normal;
                case BlockSetNode b:
                    var captured = new StringBuilder();
                    Execute(b.Body, scope, captured);
                    scope.Set(b.Name, captured.ToString());
                    return Flow.Normal;
                case MacroNode m:
                    scope.Set(m.Name, new Macro(m, scope));
                    return Flow.Normal;
                case BreakNode:
                    return Flow.Break;
                case ContinueNode:
                    return Flow.Continue;
                case GenerationNode g:
                    return Execute(g.Body, scope, output);
            }
        }
        catch (JinjaRuntimeError e)
        {
            throw _location.Error(node.Line, e.Message);
        }
        catch (OverflowException)
        {
            throw _location.Error(node.Line, "integer overflow (this interpreter's integers are 64-bit)");
        }

        throw _location.Error(node.Line, $"unsupported Jinja construct '{node.GetType().Name}'");
    }

    private void ExecuteFor(ForNode node, Scope scope, StringBuilder output)
    {
        var items = PyValues.Iterate(Eval(node.Iterable, scope));
        if (node.Filter is not null)
        {
            items = items.Where(item =>
            {
                var probe = new Scope(scope);
                Assign(node.Targets, item, probe);
                return PyValues.IsTrue(Eval(node.Filter, probe));
            }).ToList();
        }

        var loop = new LoopContext(items);
        for (int i = 0; i < items.Count; i++)
        {
            // jinja2 starts every iteration from the enclosing variables: a plain set inside the loop does not survive it.
            var iteration = new Scope(scope);
            loop.Index0 = i;
            iteration.Set("loop", loop);
            Assign(node.Targets, items[i], iteration);
            if (Execute(node.Body, iteration, output) == Flow.Break)
            {
                break;
            }
        }

        if (items.Count == 0 && node.Else is not null)
        {
            Execute(node.Else, scope, output);
        }
    }

    private void ExecuteSet(SetNode node, Scope scope)
    {
        var value = Eval(node.Value, scope);
        if (node.Attribute is null)
        {
            Assign(node.Targets, value, scope);
            return;
        }

        if (scope.Get(node.Targets[0]) is not Namespace ns)
        {
            throw new JinjaRuntimeError($"cannot assign attribute '{node.Attribute}' on '{node.Targets[0]}', which is not a namespace()");
        }

        ns.Attributes[node.Attribute] = value;
    }

    private static void Assign(IReadOnlyList<string> targets, object? value, Scope scope)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }

        var parts = PyValues.Iterate(value);
        if (parts.Count != targets.Count)
        {
            throw new JinjaRuntimeError($"cannot unpack {parts.Count} values into {targets.Count} names");
        }

        for (int i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], parts[i]);
        }
    }
}
