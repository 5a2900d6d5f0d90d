namespace DISD.Decoding;

/// <summary>Number of drafted tokens per step: fixed, or adapted from the observed acceptance ("auto").</summary>
public sealed record DraftLength
{
    public const int MinAuto = 1;
    public const int MaxAuto = 16;

    private DraftLength(int initial, bool adaptive)
    {
        Initial = initial;
        IsAdaptive = adaptive;
    }

    public int Initial { get; }

    public bool IsAdaptive { get; }

    public static DraftLength Fixed(int k) => k >= 1
        ? new DraftLength(k, false)
        : throw new ArgumentException($"--draft-length must be ≥ 1 or 'auto' (got {k}).");

    /// <summary>Starts at <paramref name="initial"/>; +1 after a fully accepted block, −1 when fewer than half are accepted.</summary>
    public static DraftLength Auto(int initial = 4) => initial is >= MinAuto and <= MaxAuto
        ? new DraftLength(initial, true)
        : throw new ArgumentException($"auto k must start within [{MinAuto}, {MaxAuto}] (got {initial}).");

    /// <summary>Parses "auto" or a positive integer (the --draft-length option).</summary>
    public static DraftLength Parse(string text)
    {
        if (string.Equals(text.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
            return Auto();
        if (int.TryParse(text, out var k) && k >= 1)
            return Fixed(k);
        throw new ArgumentException($"--draft-length: expected a positive integer or 'auto', got '{text}'.");
    }

    /// <summary>The draft length for the next step after <paramref name="accepted"/> of <paramref name="proposed"/> drafts.</summary>
    public int Next(int current, int accepted, int proposed)
    {
        if (!IsAdaptive || proposed == 0)
            return current;
        if (accepted == proposed)
            return Math.Min(current + 1, MaxAuto);
        return 2 * accepted < proposed ? Math.Max(current - 1, MinAuto) : current;
    }

    public override string ToString() => IsAdaptive ? "auto" : Initial.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
