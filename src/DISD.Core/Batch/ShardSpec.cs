using System.Globalization;

namespace DISD.Batch;

/// <summary>
/// One shard of a prompts file (<c>--shard I/N</c>, 0-based): prompt k (counting the file's prompts from 0) belongs to
/// shard k mod N. The partition depends only on the prompt's index, never on timing or machine, so N shards together
/// cover every prompt exactly once; round robin keeps the shards' sizes within one of each other.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The whole file.</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Whether prompt <paramref name="promptIndex"/> (0-based) is in this shard.</summary>
    public bool Includes(int promptIndex) => promptIndex % Count == Index;

    /// <summary>The indices of this shard among <paramref name="prompts"/> prompts.</summary>
    public IReadOnlyList<int> Select(int prompts) => Enumerable.Range(0, prompts).Where(Includes).ToArray();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses <c>I/N</c> with 0 ≤ I &lt; N; <paramref name="option"/> names the option in the message.</summary>
    /// <exception cref="DisdException">Not of that form, or I outside 0 ≤ I &lt; N.</exception>
    public static ShardSpec Parse(string text, string option = "--shard")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new DisdException($"{option} '{text}' is not a shard; expected I/N with 0 ≤ I < N, e.g. 0/4 (as Slurm gives "
                + "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
        }

        if (count < 1)
            throw new DisdException($"{option} '{text}': the shard count N must be at least 1");
        if (index >= count)
            throw new DisdException($"{option} '{text}': the shard index I must be below N = {count} (shards are numbered 0 to {count - 1})");
        return new ShardSpec(index, count);
    }
}
