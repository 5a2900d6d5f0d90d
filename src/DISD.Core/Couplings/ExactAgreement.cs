namespace DISD.Couplings;

/// <summary>Closed forms of Pr[a = b] for the two communication-free couplings.</summary>
public static class ExactAgreement
{
    /// <summary>
    /// Gumbel sampling (a = argmin E_i/p_i, b = argmin E_i/q_i with shared E_i ~ Exp(1)):
    /// Pr[a = b] = Σ_i 1 / Σ_j max(p_j/p_i, q_j/q_i) over tokens with p_i, q_i &gt; 0.
    /// Computed in O(V log V): with tokens sorted by r = p/q, max(p_j/p_i, q_j/q_i) is p_j/p_i when r_j ≥ r_i
    /// and q_j/q_i otherwise, so the inner sum is (suffix sum of p)/p_i + (prefix sum of q)/q_i.
    /// </summary>
    public static double Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DistributionChecks.RequireProbabilityPair(p, q);
        int n = p.Length;
        var ratio = ScratchArrays.Rent<double>(n, 2);
        var order = ScratchArrays.Rent<int>(n, 0);
        var suffixP = ScratchArrays.Rent<double>(n + 1, 3);
        var pSorted = ScratchArrays.Rent<double>(n, 6);
        var qSorted = ScratchArrays.Rent<double>(n, 7);
        try
        {
            return Gumbel(p, q, ratio, order, suffixP, pSorted, qSorted);
        }
        finally
        {
            ScratchArrays.Return(ratio, 2);
            ScratchArrays.Return(order, 0);
            ScratchArrays.Return(suffixP, 3);
            ScratchArrays.Return(pSorted, 6);
            ScratchArrays.Return(qSorted, 7);
        }
    }

    private static double Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double[] ratio, int[] order, double[] suffixP,
        double[] pSorted, double[] qSorted)
    {
        int n = p.Length;
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            // q_i = 0 (with p_i > 0) behaves as an infinite ratio: p_j/p_i always wins against it.
            ratio[i] = q[i] > 0 ? p[i] / q[i] : (p[i] > 0 ? double.PositiveInfinity : 0);
        }
        RadixSort.SortNonNegative(ratio, order);
        // p and q in sorted order, gathered once: the loops below then read memory in order (gathering at every use
        // was about half of a 262k row's time). Same values, same order of operations, so the same bits.
        for (int k = 0; k < n; k++)
        {
            int i = order[k];
            pSorted[k] = p[i];
            qSorted[k] = q[i];
        }

        suffixP[n] = 0;
        for (int k = n - 1; k >= 0; k--)
            suffixP[k] = suffixP[k + 1] + pSorted[k];

        double total = 0, prefixQ = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end < n && ratio[end] == ratio[start])
                end++;
            // Ties (r_j = r_i) make both ratios equal, so they count on the p side with the group.
            for (int k = start; k < end; k++)
            {
                double pk = pSorted[k], qk = qSorted[k];
                if (pk > 0 && qk > 0)
                    total += 1 / (suffixP[start] / pk + prefixQ / qk);
            }
            for (int k = start; k < end; k++)
                prefixQ += qSorted[k];
            start = end;
        }
        return total;
    }

    /// <summary>
    /// Weighted MinHash with darts thrown uniformly under max(p, q):
    /// Pr[a = b] = Σ_i min(p_i, q_i)(1 + |p_i − q_i|) / (1 + D_TV).
    /// </summary>
    public static double WeightedMinHash(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        DistributionChecks.RequireProbabilityPair(p, q);
        double sumMax = 0, total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double min = Math.Min(p[i], q[i]), max = Math.Max(p[i], q[i]);
            sumMax += max;
            total += min * (1 + (max - min));
        }
        // Σ max = 1 + D_TV for normalised p and q; using it directly keeps the dart law exact otherwise too.
        return total / sumMax;
    }
}
