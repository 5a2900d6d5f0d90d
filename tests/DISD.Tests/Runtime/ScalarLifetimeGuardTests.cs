using System.Reflection;
using DISD.Runtime;
using TorchSharp;

namespace DISD.Tests.Runtime;

/// <summary>
/// No code in src/ hands libtorch a Scalar that nothing keeps alive (see <see cref="Scalars"/>). Read from the compiled
/// IL rather than the source, so that implicit conversions, operators and overloads are seen as the compiler bound them:
/// a method may not create a Scalar (an implicit conversion or ToScalar) nor call a TorchSharp method that creates
/// one inside (found the same way in TorchSharp's own IL, transitively: add(Tensor) and its hidden alpha of 1, the
/// tensor operators, …). Only <see cref="Scalars"/> makes Scalars, and keeps them, or hands them out for a
/// <c>using</c>. Limit: a Scalar made in Scalars and then dropped by its caller is not caught here; the stress test
/// is the backstop for that.
/// </summary>
public class ScalarLifetimeGuardTests
{
    private static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    [Fact]
    public void NoCodeOutsideScalarsMakesANativeScalar()
    {
        var unsafeTorchMethods = TorchMethodsThatMakeScalars();
        Assert.Contains(unsafeTorchMethods, m => m.Name == "add_" && m.GetParameters().Length == 1 &&
                                                 m.GetParameters()[0].ParameterType == typeof(torch.Tensor));
        var offenders = new List<string>();
        foreach (var method in SourceMethods().Where(m => !IsInside(m.DeclaringType, typeof(Scalars))))
        foreach (var callee in IlCalls.CalledBy(method)
                     .Where(c => MakesScalar(c) || ThrowingScalarToTensor(c) || unsafeTorchMethods.Contains(c)))
        {
            offenders.Add($"{method.DeclaringType?.FullName}.{method.Name} calls {callee.DeclaringType?.Name}.{callee}");
        }

        Assert.True(offenders.Count == 0, string.Join("\n", offenders.Distinct()));
    }

    [Fact]
    public void EveryTemporaryScalarIsDisposedByItsCaller()
    {
        var temporaries = typeof(Scalars).GetMethods().Where(m => m.Name == nameof(Scalars.Temporary)).ToArray();
        var callers = SourceMethods().Where(m => IlCalls.CalledBy(m).Any(temporaries.Contains)).ToArray();
        Assert.NotEmpty(callers);
        // A `using var` compiles to a call of IDisposable.Dispose in a finally block.
        var dispose = typeof(IDisposable).GetMethod(nameof(IDisposable.Dispose))!;
        var leaking = callers.Where(m => !IlCalls.CalledBy(m).Contains(dispose))
            .Select(m => $"{m.DeclaringType?.FullName}.{m.Name}");
        Assert.Empty(leaking);
    }

    private static IEnumerable<MethodBase> SourceMethods() =>
        new[] { typeof(Scalars).Assembly, Assembly.Load("disd") }.SelectMany(IlCalls.MethodsOf);

    /// <summary>TorchSharp methods whose body makes a Scalar, directly or through another such method.</summary>
    private static HashSet<MethodBase> TorchMethodsThatMakeScalars()
    {
        var calls = IlCalls.MethodsOf(TorchSharpAssembly)
            .ToDictionary(m => m, m => IlCalls.CalledBy(m).ToArray());
        var unsafeMethods = calls.Where(e => e.Value.Any(MakesScalar)).Select(e => e.Key).ToHashSet();
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (method, callees) in calls)
            {
                if (!unsafeMethods.Contains(method) && callees.Any(unsafeMethods.Contains))
                    grown = unsafeMethods.Add(method);
            }
        }
        return unsafeMethods;
    }

    private static bool MakesScalar(MethodBase method) => method switch
    {
        ConstructorInfo => method.DeclaringType == typeof(Scalar),
        MethodInfo info => info.ReturnType == typeof(Scalar) &&
                           (method.Name == "op_Implicit" || method.DeclaringType == typeof(ScalarExtensionMethods)),
        _ => false,
    };

    /// <summary>
    /// TorchSharp's implicit Scalar → Tensor conversion only throws: a cached Scalar handed to a Tensor parameter
    /// (bitwise_and takes a Tensor; a long literal there becomes a 0-dim tensor, no Scalar) compiles but fails.
    /// </summary>
    private static bool ThrowingScalarToTensor(MethodBase method) =>
        method is MethodInfo { Name: "op_Implicit" } info && info.ReturnType == typeof(torch.Tensor) &&
        info.GetParameters() is [{ ParameterType: var from }] && from == typeof(Scalar);

    private static bool IsInside(Type? type, Type outer)
    {
        for (; type is not null; type = type.DeclaringType)
        {
            if (type == outer)
                return true;
        }
        return false;
    }
}
