namespace DISD;

/// <summary>"Did you mean …?" for names typed on the command line: verbs, options, demo model names.</summary>
public static class NearestName
{
    /// <summary>The candidate closest to <paramref name="typed"/>, when it is near enough to be a typo (at most max(2, length / 3) edits).</summary>
    public static string? Of(string typed, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Distance(typed, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? best.Name : null;
    }

    /// <summary>Levenshtein distance, case-insensitive, '_' and '-' alike (the snake_case aliases).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a = a.ToLowerInvariant().Replace('_', '-');
        b = b.ToLowerInvariant().Replace('_', '-');
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
