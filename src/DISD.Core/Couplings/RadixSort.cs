namespace DISD.Couplings;

/// <summary>
/// Sorts non-negative doubles (+∞ allowed) ascending together with a permutation, by LSD radix sort on their bit
/// patterns (for x ≥ 0 the IEEE-754 bits order as unsigned integers order the values). The exact Gumbel agreement
/// sorts a whole vocabulary per position: at V = 262,144 this is much faster than Array.Sort's
/// comparisons (bench/RESULTS.md), and digits that every key shares (most ratios have a few exponents) cost no pass.
/// Stable: equal keys keep their order.
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;

    /// <summary>Sorts <paramref name="keys"/> ascending and applies the same permutation to <paramref name="items"/>.</summary>
    public static void SortNonNegative(double[] keys, int[] items)
    {
        int n = keys.Length;
        if (items.Length != n)
            throw new ArgumentException("keys and items differ in length", nameof(items));
        var bits = ScratchArrays.Rent<ulong>(n, 0);
        var bitsScratch = ScratchArrays.Rent<ulong>(n, 1);
        var itemsScratch = ScratchArrays.Rent<int>(n, 1);
        try
        {
            Sort(keys, items, bits, bitsScratch, itemsScratch);
        }
        finally
        {
            ScratchArrays.Return(bits, 0);
            ScratchArrays.Return(bitsScratch, 1);
            ScratchArrays.Return(itemsScratch, 1);
        }
    }

    private static void Sort(double[] keys, int[] items, ulong[] bits, ulong[] bitsScratch, int[] itemsScratch)
    {
        int n = keys.Length;
        for (int i = 0; i < n; i++)
        {
            if (!(keys[i] >= 0))
                throw new ArgumentOutOfRangeException(nameof(keys), keys[i], "RadixSort: keys must be non-negative (+∞ allowed).");
            bits[i] = (ulong)BitConverter.DoubleToInt64Bits(keys[i]);
        }
        var count = new int[Buckets];
        int[] source = items, target = itemsScratch;
        ulong[] from = bits, to = bitsScratch;
        for (int shift = 0; shift < 64; shift += DigitBits)
        {
            Array.Clear(count);
            for (int i = 0; i < n; i++)
                count[(int)(from[i] >> shift) & (Buckets - 1)]++;
            if (Array.IndexOf(count, n) >= 0)
                continue; // every key has this digit: the pass would not move anything
            for (int b = 0, sum = 0; b < Buckets; b++)
                (count[b], sum) = (sum, sum + count[b]);
            for (int i = 0; i < n; i++)
            {
                int at = count[(int)(from[i] >> shift) & (Buckets - 1)]++;
                to[at] = from[i];
                target[at] = source[i];
            }
            (from, to) = (to, from);
            (source, target) = (target, source);
        }
        for (int i = 0; i < n; i++)
            keys[i] = BitConverter.Int64BitsToDouble((long)from[i]);
        if (!ReferenceEquals(source, items))
            Array.Copy(source, items, n);
    }
}
