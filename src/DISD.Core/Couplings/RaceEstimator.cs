namespace DISD.Couplings;

/// <summary>
/// Default engine: simulates the exact joint law of (a, b) of both couplings with a lazy exponential race
/// (see <see cref="ExponentialRace"/>), O(k log V) per retry after an O(V) set-up. Thread-safe and stateless;
/// results depend only on (p, q, retries, seed).
/// </summary>
public sealed class RaceEstimator : IAgreementEstimator
{
    public AgreementEstimate Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed)
    {
        RequirePositive(retries);
        using var race = new ExponentialRace(p, q);
        return Gumbel(race, retries, seed);
    }

    /// <summary>
    /// <see cref="Gumbel(ReadOnlySpan{double}, ReadOnlySpan{double}, int, ulong)"/> and
    /// <see cref="WeightedMinHash(ReadOnlySpan{double}, ReadOnlySpan{double}, int, ulong)"/> of one pair on one race: the
    /// same estimates (every retry starts from the full race), with one O(V) set-up instead of two.
    /// </summary>
    internal static (AgreementEstimate Gumbel, AgreementEstimate WeightedMinHash) Both(ReadOnlySpan<double> p,
        ReadOnlySpan<double> q, int retries, ulong gumbelSeed, ulong weightedMinHashSeed)
    {
        RequirePositive(retries);
        using var race = new ExponentialRace(p, q);
        return (Gumbel(race, retries, gumbelSeed), WeightedMinHash(race, retries, weightedMinHashSeed));
    }

    private static AgreementEstimate Gumbel(ExponentialRace race, int retries, ulong seed)
    {
        var rng = new CouplingRng(seed);
        long agreements = 0;
        for (int r = 0; r < retries; r++)
        {
            var (a, b) = race.NextGumbel(ref rng);
            if (a == b)
                agreements++;
        }
        return AgreementEstimate.FromCount(agreements, retries);
    }

    /// <summary>
    /// Gumbel list sampling with <paramref name="lists"/> lists: the rate of b ∈ {a_0, …, a_{K−1}} (see
    /// <see cref="ExactListAgreement"/>), K independent races per retry. K = 1 is <see cref="Gumbel"/>'s agreement.
    /// </summary>
    public AgreementEstimate GumbelList(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int lists, int retries,
        ulong seed)
    {
        RequirePositive(retries);
        if (lists < 1)
            throw new ArgumentOutOfRangeException(nameof(lists), lists, "The list size must be at least 1.");
        using var race = new ExponentialRace(p, q);
        var rng = new CouplingRng(seed);
        var proposals = new int[lists];
        long matches = 0;
        for (int r = 0; r < retries; r++)
            if (race.NextGumbelListMatch(ref rng, lists, proposals))
                matches++;
        return AgreementEstimate.FromCount(matches, retries);
    }

    public AgreementEstimate WeightedMinHash(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed)
    {
        RequirePositive(retries);
        using var race = new ExponentialRace(p, q);
        return WeightedMinHash(race, retries, seed);
    }

    private static AgreementEstimate WeightedMinHash(ExponentialRace race, int retries, ulong seed)
    {
        var rng = new CouplingRng(seed);
        long agreements = 0;
        for (int r = 0; r < retries; r++)
        {
            var (a, b) = race.NextWeightedMinHash(ref rng);
            if (a == b)
                agreements++;
        }
        return AgreementEstimate.FromCount(agreements, retries);
    }

    internal static void RequirePositive(int retries)
    {
        if (retries <= 0)
            throw new ArgumentOutOfRangeException(nameof(retries), retries, "The number of retries must be positive.");
    }
}
