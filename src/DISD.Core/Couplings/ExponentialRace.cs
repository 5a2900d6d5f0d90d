namespace DISD.Couplings;

/// <summary>
/// Exact lazy simulation of both couplings for one pair (p, q). Every token i owns an arrival time τ_i ~ Exp(m_i),
/// m_i = max(p_i, q_i), independent across tokens. Tokens are revealed in arrival order (an exponential race: the next
/// arrival comes after Exp(remaining mass) and is drawn ∝ m among the tokens not yet arrived), and a retry stops as soon as
/// no later arrival can beat the current winners of both sides, so a retry costs O(k log V) for k arrivals (k is small).
/// <list type="bullet">
/// <item>Gumbel: E_i = τ_i·m_i ~ Exp(1) i.i.d.; a = argmin E_i/p_i, b = argmin E_i/q_i. A later token j has
/// E_j/p_j = τ_j·m_j/p_j ≥ τ_j, so once τ exceeds both best values nothing can change.</item>
/// <item>Weighted MinHash: darts thrown uniformly under max(p, q) form, in continuous time, independent Poisson processes
/// of rate m_i per column with uniform heights in [0, m_i); τ_i is the first dart of column i. The side whose mass is m_i
/// accepts that dart; the other side accepts it if its height is ≤ its mass, otherwise (memorylessness) its first accepted
/// dart in column i comes Exp(min_i) later. a (b) is the column with the earliest p- (q-) accepted dart.</item>
/// </list>
/// </summary>
internal sealed class ExponentialRace : IDisposable
{
    private readonly TokenMass[] _tokens;
    private readonly double[] _mass;
    private readonly MassFenwickTree _tree;

    /// <summary>The race of (p, q); its working arrays are this thread's <see cref="ScratchArrays"/> until disposed.</summary>
    public ExponentialRace(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DistributionChecks.RequireProbabilityPair(p, q);
        int n = p.Length;
        _tokens = ScratchArrays.Rent<TokenMass>(n, 0);
        _mass = ScratchArrays.Rent<double>(n, 0);
        for (int i = 0; i < n; i++)
        {
            _mass[i] = Math.Max(p[i], q[i]);
            _tokens[i] = new TokenMass(p[i], q[i], _mass[i]);
        }
        _tree = new MassFenwickTree(_mass, ScratchArrays.Rent<double>(n + 1, 1), ScratchArrays.Rent<bool>(n, 0));
    }

    public void Dispose()
    {
        ScratchArrays.Return(_tokens, 0);
        ScratchArrays.Return(_mass, 0);
        _tree.ReturnWorkspace();
    }

    /// <summary>One Gumbel-sampling retry: the pair (a, b).</summary>
    public (int A, int B) NextGumbel(ref CouplingRng rng)
    {
        var (a, b, _) = NextGumbelWithTargetValue(ref rng);
        return (a, b);
    }

    /// <summary>
    /// One Gumbel list-sampling retry with <paramref name="lists"/> independent races: whether the target's token
    /// b = b_{k*} (k* = the race with the smallest min_i E_i/q_i) is among the drafter's a_0 … a_{K−1}.
    /// </summary>
    public bool NextGumbelListMatch(ref CouplingRng rng, int lists, Span<int> proposals)
    {
        int target = -1;
        double best = double.PositiveInfinity;
        for (int k = 0; k < lists; k++)
        {
            var (a, b, value) = NextGumbelWithTargetValue(ref rng);
            proposals[k] = a;
            if (value < best)
            {
                best = value;
                target = b;
            }
        }
        return proposals[..lists].Contains(target);
    }

    /// <summary>
    /// One retry: (a, b) and the target's winning value min_i E_i/q_i, exact because the race only stops once every
    /// later arrival's value is at least τ, which is at least that minimum.
    /// </summary>
    private (int A, int B, double TargetValue) NextGumbelWithTargetValue(ref CouplingRng rng)
    {
        var (a, b, _, bestB) = Run<GumbelTimes>(ref rng);
        return (a, b, bestB);
    }

    /// <summary>One Weighted-MinHash retry (darts under max(p, q)): the pair (a, b).</summary>
    public (int A, int B) NextWeightedMinHash(ref CouplingRng rng)
    {
        var (a, b, _, _) = Run<WeightedMinHashTimes>(ref rng);
        return (a, b);
    }

    /// <summary>
    /// The race both couplings share: tokens arrive in order of τ, each side keeps the token with its smallest time
    /// (<typeparamref name="TTimes"/> says what a side's time is), and the race stops once τ passes both best times.
    /// </summary>
    private (int A, int B, double BestA, double BestB) Run<TTimes>(ref CouplingRng rng)
        where TTimes : struct, IArrivalTimes
    {
        double remaining = _tree.Total, tau = 0;
        double bestA = double.PositiveInfinity, bestB = double.PositiveInfinity;
        int a = -1, b = -1;
        while (_tree.RemovedCount < _tree.PositiveCount)
        {
            if (remaining <= 0 && (remaining = RemainingMassExactly()) <= 0)
                break;
            tau += rng.NextExponential() / remaining;
            if (tau >= bestA && tau >= bestB)
                break;
            int i = NextArrival(ref rng, remaining);
            ref readonly var t = ref _tokens[i];
            remaining -= t.M;
            var (timeA, timeB) = TTimes.Of(ref rng, tau, t);
            if (timeA < bestA)
            {
                bestA = timeA;
                a = i;
            }
            if (timeB < bestB)
            {
                bestB = timeB;
                b = i;
            }
        }
        _tree.RestoreAll();
        return (a, b, bestA, bestB);
    }

    /// <summary>Each side's time for a token that arrives at τ (+∞ where the side gives it no mass).</summary>
    private interface IArrivalTimes
    {
        static abstract (double A, double B) Of(ref CouplingRng rng, double tau, in TokenMass token);
    }

    /// <summary>Gumbel: E = τ·m, and a side's value is E/p (E/q).</summary>
    private readonly struct GumbelTimes : IArrivalTimes
    {
        public static (double A, double B) Of(ref CouplingRng rng, double tau, in TokenMass token)
        {
            double e = tau * token.M;
            return (token.P > 0 ? e / token.P : double.PositiveInfinity, token.Q > 0 ? e / token.Q : double.PositiveInfinity);
        }
    }

    /// <summary>Weighted MinHash: the first dart's height decides which side accepts it at τ (see the class summary).</summary>
    private readonly struct WeightedMinHashTimes : IArrivalTimes
    {
        public static (double A, double B) Of(ref CouplingRng rng, double tau, in TokenMass token)
        {
            double height = rng.NextUnit() * token.M;
            double timeA = AcceptanceTime(ref rng, tau, height, token.P);
            return (timeA, AcceptanceTime(ref rng, tau, height, token.Q));
        }
    }

    private static double AcceptanceTime(ref CouplingRng rng, double firstDart, double height, double side)
    {
        if (height <= side)
            return firstDart;
        return side > 0 ? firstDart + rng.NextExponential() / side : double.PositiveInfinity;
    }

    private int NextArrival(ref CouplingRng rng, double remaining)
    {
        for (int attempt = 0; attempt < 32; attempt++)
        {
            int i = _tree.Find(rng.NextUnit() * remaining);
            if (i >= 0)
            {
                _tree.Remove(i);
                return i;
            }
        }
        // Only reachable when rounding left `remaining` far above the few tiny masses still in the race.
        int chosen = ExactDrawAmongRemaining(ref rng);
        _tree.Remove(chosen);
        return chosen;
    }

    /// <summary>O(V); only used when rounding has eaten the running remainder while tiny masses are still in the race.</summary>
    private double RemainingMassExactly()
    {
        double sum = 0;
        for (int i = 0; i < _tokens.Length; i++)
            if (!_tree.IsRemoved(i))
                sum += _tokens[i].M;
        return sum;
    }

    private int ExactDrawAmongRemaining(ref CouplingRng rng)
    {
        int last = -1;
        for (int i = 0; i < _tokens.Length; i++)
            if (!_tree.IsRemoved(i) && _tokens[i].M > 0)
                last = i;
        double target = rng.NextUnit() * RemainingMassExactly();
        for (int i = 0; i < _tokens.Length; i++)
        {
            if (_tree.IsRemoved(i) || _tokens[i].M <= 0)
                continue;
            target -= _tokens[i].M;
            if (target < 0)
                return i;
        }
        return last;
    }

    private readonly record struct TokenMass(double P, double Q, double M);
}
