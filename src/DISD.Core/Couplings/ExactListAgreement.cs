namespace DISD.Couplings;

/// <summary>
/// Exact list agreement of Gumbel list sampling: Pr[b ∈ {a_0, …, a_{K−1}}] where, with E[k, i] ~ Exp(1) i.i.d.,
/// a_k = argmin_i E[k, i]/p_i (the drafter's K proposals) and b = argmin over (k, i) of E[k, i]/q_i (the target).
/// </summary>
/// <remarks>
/// Derivation (p, q normalised; r_j = q_j/p_j). Per list k let M_k = min_i E[k, i]/q_i and b_k its argmin; b = b_{k*}
/// with k* = argmin M_k, and the lists are independent, so
/// Pr[b = i, i ∉ list] = K ∫₀^∞ d_i(m) h_i(m)^{K−1} dm with d_i(m) dm = Pr[b_0 = i, M_0 ∈ dm, a_0 ≠ i] and
/// h_i(m) = Pr[M_0 &gt; m, a_0 ≠ i].
/// Given b_0 = i, M_0 = m: E_i = m q_i and E_j = m q_j + Exp(1) (memorylessness), so a_0 = i with probability
/// exp(−m c_i), c_i = Σ_j max(0, p_j q_i/p_i − q_j) = G(r_i) with G(u) = Σ_{r_j &lt; u} (p_j u − q_j); hence
/// d_i(m) = q_i e^{−m} (1 − e^{−m c_i}). Given M_0 &gt; m (probability e^{−m}) every E_j = m q_j + Exp(1), and
/// substituting s = m·u, Pr[a_0 = i | M_0 &gt; m] = p_i m ∫_{r_i}^∞ e^{−m G(u)} du, an integral of a piecewise-linear exponent; over the
/// segment between the l-th and (l+1)-th smallest ratios G has slope A_l = Σ_{t ≤ l} p_(t), so it is
/// p_i Σ_{l ≥ rank(i)} (e^{−m G_l} − e^{−m G_{l+1}})/A_l (G_l = G(r_(l)), G beyond the last ratio = ∞).
/// So Pr[b ∉ list] = Σ_i K q_i ∫₀^∞ e^{−m} (1 − e^{−m c_i}) h_i(m)^{K−1} dm, h_i(m) = e^{−m} (1 − p_i S_{rank(i)}(m)),
/// S_k(m) = Σ_{l ≥ k} (e^{−m G_l} − e^{−m G_{l+1}})/A_l. K = 1 gives Σ_i q_i c_i/(1 + c_i), the complement of
/// <see cref="ExactAgreement.Gumbel"/>. The m-integral is evaluated by Gauss–Legendre on octaves of m (the scales
/// 1/G_l span many decades); O(V) per node after one sort. Tests: 1e-9 against the closed form at K = 1.
/// </remarks>
public static class ExactListAgreement
{
    private const int LowestOctave = -50;
    private const double MaxM = 64;
    private const int PointsPerInterval = 12;
    private static readonly (double[] Nodes, double[] Weights) Rule = GaussLegendre.Rule(PointsPerInterval);

    public static double Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int lists) =>
        Gumbel(p, q, lists, lists);

    /// <summary>
    /// The target races over <paramref name="lists"/> lists but only <paramref name="drafted"/> of them carry drafts
    /// from p (a node of a draft tree that only some branches pass through): Pr[b ∈ those D proposals]. Per token,
    /// Pr[b = i, i missed] = ∫ [D d_i(m) h_i^{D−1} e^{−m(K−D)} + (K − D) q_i e^{−m} h_i^D e^{−m(K−D−1)}] dm: the winning
    /// list is drafted (and misses i) or not; the other drafted lists lose and miss i; the other undrafted lists lose.
    /// </summary>
    public static double Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int lists, int drafted)
    {
        DistributionChecks.RequireProbabilityPair(p, q);
        if (lists < 1)
            throw new ArgumentOutOfRangeException(nameof(lists), lists, "The list size must be at least 1.");
        if (drafted < 1 || drafted > lists)
            throw new ArgumentOutOfRangeException(nameof(drafted), drafted, $"The drafted lists must number 1 … {lists}.");
        return lists == 1 ? ExactAgreement.Gumbel(p, q) : ByQuadrature(p, q, lists, drafted);
    }

    /// <summary>The integral form for any K ≥ 1 (at K = 1 the tests check it against the closed form).</summary>
    internal static double ByQuadrature(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int lists, int drafted = -1)
    {
        if (drafted < 0)
            drafted = lists;
        var ratios = SortedRatios(p, q);
        double miss = 0;
        foreach (var (m, weight) in Nodes())
            miss += weight * MissDensity(ratios, m, lists, drafted);
        return Math.Clamp(1 - miss, 0, 1);
    }

    /// <summary>
    /// Σ_i q_i [D (1 − e^{−m c_i}) h_i^{D−1} + (K − D) h_i^D] e^{−m} e^{−m(K−D)} at one m, with h_i written without its
    /// e^{−m} factor (the powers of e^{−m} are collected in front). D = K: Σ_i K q_i e^{−m}(1 − e^{−m c_i}) h_i^{K−1}.
    /// </summary>
    private static double MissDensity(SortedRatioTable table, double m, int lists, int drafted)
    {
        int n = table.Order.Length;
        var decay = new double[n + 1];
        for (int l = 0; l < n; l++)
            decay[l] = Math.Exp(-m * table.G[l]);
        decay[n] = 0;
        double survival = Math.Exp(-m);
        double suffix = 0, density = 0;
        int undrafted = lists - drafted;
        for (int l = n - 1; l >= 0; l--)
        {
            suffix += (decay[l] - decay[l + 1]) / table.A[l];
            int i = table.Order[l];
            double qi = table.Q[i];
            if (qi <= 0)
                continue;
            double missRatio = Math.Max(0, 1 - table.P[i] * suffix);
            double winnerDrafted = drafted * (1 - decay[l]) * Math.Pow(missRatio, drafted - 1);
            double winnerUndrafted = undrafted == 0 ? 0 : undrafted * Math.Pow(missRatio, drafted);
            density += qi * (winnerDrafted + winnerUndrafted);
        }
        // Tokens the drafter can never propose (p = 0) are always missed: each of the K lists may win.
        density += table.QOutsideP * lists;
        return Math.Pow(survival, lists) * density;
    }

    /// <summary>
    /// Nodes on [0, 2^6] (beyond it the integrand is below K e^{−64}): [0, 2^−50] and then octaves, so every scale
    /// 1/G of the exponentials e^{−m G} is resolved by an octave of its own.
    /// </summary>
    private static IEnumerable<(double M, double Weight)> Nodes()
    {
        var (nodes, weights) = Rule;
        double low = 0, high = Math.Pow(2, LowestOctave);
        while (low < MaxM)
        {
            double half = (high - low) / 2, middle = (high + low) / 2;
            for (int j = 0; j < nodes.Length; j++)
                yield return (middle + half * nodes[j], half * weights[j]);
            low = high;
            high *= 2;
        }
    }

    private static SortedRatioTable SortedRatios(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sumP = 0, sumQ = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sumP += p[i];
            sumQ += q[i];
        }
        var pn = new double[p.Length];
        var qn = new double[q.Length];
        var ratio = new List<(double R, int I)>();
        double qOutside = 0;
        for (int i = 0; i < p.Length; i++)
        {
            pn[i] = p[i] / sumP;
            qn[i] = q[i] / sumQ;
            if (pn[i] > 0)
                ratio.Add((qn[i] / pn[i], i));
            else
                qOutside += qn[i];
        }
        ratio.Sort((x, y) => x.R != y.R ? x.R.CompareTo(y.R) : x.I.CompareTo(y.I));
        int n = ratio.Count;
        var order = new int[n];
        var a = new double[n];
        var g = new double[n];
        double cumulativeP = 0, cumulativeQ = 0;
        for (int l = 0; l < n; l++)
        {
            var (r, i) = ratio[l];
            order[l] = i;
            cumulativeP += pn[i];
            cumulativeQ += qn[i];
            a[l] = cumulativeP;
            // G(r_(l)) = Σ_{t ≤ l} (p_(t) r_(l) − q_(t)); each term is ≥ 0, the clamp only removes rounding.
            g[l] = Math.Max(0, cumulativeP * r - cumulativeQ);
        }
        return new SortedRatioTable(pn, qn, order, a, g, qOutside);
    }

    private sealed record SortedRatioTable(double[] P, double[] Q, int[] Order, double[] A, double[] G, double QOutsideP);
}
