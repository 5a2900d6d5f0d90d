using System.Numerics;

namespace DISD.Couplings;

internal static class DistributionChecks
{
    public static void RequireSameLength<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        if (p.Length != q.Length)
            throw new ArgumentException($"Distributions must have the same length, got {p.Length} and {q.Length}.");
        if (p.Length == 0)
            throw new ArgumentException("Distributions must not be empty.");
    }

    /// <summary>Same length, every entry finite and ≥ 0, and some positive mass on each side (doubles, or a table's floats).</summary>
    public static void RequireProbabilityPair<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q, string where = "")
        where T : IFloatingPointIeee754<T>
    {
        RequireSameLength(p, q);
        RequireNonNegative(p, "p", where);
        RequireNonNegative(q, "q", where);
    }

    /// <summary>Whether <paramref name="v"/> is what <see cref="RequireProbabilityPair"/> accepts for one side: finite,
    /// non-negative, with a positive entry.</summary>
    public static bool IsProbabilityVector(ReadOnlySpan<double> v)
    {
        bool anyPositive = false;
        foreach (double x in v)
        {
            if (!(x >= 0) || double.IsInfinity(x))
                return false;
            anyPositive |= x > 0;
        }
        return anyPositive;
    }

    private static void RequireNonNegative<T>(ReadOnlySpan<T> v, string name, string where)
        where T : IFloatingPointIeee754<T>
    {
        bool anyPositive = false;
        for (int i = 0; i < v.Length; i++)
        {
            T x = v[i];
            if (!(x >= T.Zero) || T.IsInfinity(x))
                throw new ArgumentException($"{Prefix(where)}{name}[{i}] = {x}: probabilities must be finite and non-negative.");
            anyPositive |= x > T.Zero;
        }
        if (!anyPositive)
            throw new ArgumentException($"{Prefix(where)}{name} has no positive entry.");
    }

    private static string Prefix(string where) => where.Length == 0 ? "" : where + ": ";
}
