namespace DISD.Templating;

/// <summary>Python's arithmetic operators on template values.</summary>
internal static class PyOperators
{
    public static object? Binary(string op, object? a, object? b)
    {
        if (op == "~")
        {
            return PyValues.Str(a) + PyValues.Str(b);
        }

        if (a is Undefined ua)
        {
            throw ua.Fail();
        }

        if (b is Undefined ub)
        {
            throw ub.Fail();
        }

        return op switch
        {
            "+" => Add(a, b),
            "-" => Numeric(op, a, b, (x, y) => checked(x - y), (x, y) => x - y),
            "*" => Multiply(a, b),
            "/" => PyValues.ToDouble(CheckNumbers(op, a, b)) / NonZero(PyValues.ToDouble(b)),
            "//" => Numeric(op, a, b, FloorDivide, (x, y) => Math.Floor(x / NonZero(y))),
            "%" => Modulo(a, b),
            "**" => Power(a, b),
            _ => throw new JinjaRuntimeError($"unknown operator '{op}'"),
        };
    }

    public static object? Negate(object? value) => value switch
    {
        long l => (object)checked(-l),
        bool b => b ? -1L : 0L,
        double d => -d,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeError($"bad operand type for unary -: '{PyValues.TypeName(value)}'"),
    };

    public static object? Positive(object? value) => value switch
    {
        long or double => value,
        bool b => b ? 1L : 0L,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaRuntimeError($"bad operand type for unary +: '{PyValues.TypeName(value)}'"),
    };

    private static object? Add(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => x + y,
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Concat(y).ToList(),
        _ => Numeric("+", a, b, (x, y) => checked(x + y), (x, y) => x + y),
    };

    private static object? Multiply(object? a, object? b) => (a, b) switch
    {
        (string s, long or bool) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, PyValues.ToLong(b)))),
        (long or bool, string s) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, PyValues.ToLong(a)))),
        (IReadOnlyList<object?> list, long or bool) => Enumerable.Repeat(list, (int)Math.Max(0, PyValues.ToLong(b))).SelectMany(x => x).ToList(),
        _ => Numeric("*", a, b, (x, y) => checked(x * y), (x, y) => x * y),
    };

    private static object? Modulo(object? a, object? b)
    {
        if (a is string)
        {
            throw JinjaRuntimeError.Unsupported("string % formatting");
        }

        return Numeric("%", a, b, (x, y) =>
        {
            long r = x % NonZero(y);
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        }, (x, y) =>
        {
            double r = x % NonZero(y);
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        });
    }

    private static object? Power(object? a, object? b)
    {
        CheckNumbers("**", a, b);
        if (a is double || b is double || PyValues.ToLong(b) < 0)
        {
            return Math.Pow(PyValues.ToDouble(a), PyValues.ToDouble(b));
        }

        long result = 1;
        long x = PyValues.ToLong(a);
        for (long n = PyValues.ToLong(b); n > 0; n--)
        {
            result = checked(result * x);
        }

        return result;
    }

    private static long FloorDivide(long x, long y)
    {
        long q = x / NonZero(y);
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
    }

    private static object? Numeric(string op, object? a, object? b, Func<long, long, long> onIntegers, Func<double, double, double> onFloats)
    {
        CheckNumbers(op, a, b);
        try
        {
            return a is double || b is double
                ? (object)onFloats(PyValues.ToDouble(a), PyValues.ToDouble(b))
                : onIntegers(PyValues.ToLong(a), PyValues.ToLong(b));
        }
        catch (OverflowException)
        {
            throw new JinjaRuntimeError($"integer overflow in '{op}' (Python integers are unbounded; this interpreter's are 64-bit)");
        }
    }

    private static object? CheckNumbers(string op, object? a, object? b) =>
        PyValues.IsNumber(a) && PyValues.IsNumber(b)
            ? a
            : throw new JinjaRuntimeError($"unsupported operand type(s) for {op}: '{PyValues.TypeName(a)}' and '{PyValues.TypeName(b)}'");

    private static long NonZero(long y) => y != 0 ? y : throw new JinjaRuntimeError("integer division or modulo by zero");

    private static double NonZero(double y) => y != 0 ? y : throw new JinjaRuntimeError("float division by zero");
}
