namespace DISD.Couplings;

/// <summary>The coupling experiment of the paper (port of the original plot_coupling_bounds.py), one row per position.</summary>
public static class CouplingExperiment
{
    /// <summary>
    /// Position i compares p = <paramref name="large"/>[i] with q = <paramref name="small"/>[i] (Token = i) for
    /// i &lt; <paramref name="numTokens"/>. Each position's Monte-Carlo seeds are derived from (seed, i) with SplitMix64,
    /// so results do not depend on the thread count. Positions run in parallel for <see cref="RaceEstimator"/>, in order
    /// otherwise. <paramref name="progress"/> receives the number of finished positions. For each of
    /// <paramref name="listSizes"/> the Gumbel list agreement (target = large, K drafts from small) is measured with the
    /// race engine, whatever <paramref name="engine"/>, and computed exactly.
    /// </summary>
    public static IReadOnlyList<PositionCoupling> Run(IReadOnlyList<double[]> large, IReadOnlyList<double[]> small,
        int numTokens, int numRetries, IAgreementEstimator engine, ulong seed, IProgress<int>? progress = null,
        IReadOnlyList<int>? listSizes = null)
    {
        listSizes ??= [];
        if (listSizes.Any(size => size < 1))
            throw new ArgumentOutOfRangeException(nameof(listSizes), "List sizes must be at least 1.");
        ArgumentNullException.ThrowIfNull(large);
        ArgumentNullException.ThrowIfNull(small);
        ArgumentNullException.ThrowIfNull(engine);
        if (numTokens <= 0)
            throw new ArgumentOutOfRangeException(nameof(numTokens), numTokens, "The number of tokens must be positive.");
        RaceEstimator.RequirePositive(numRetries);
        if (large.Count < numTokens || small.Count < numTokens)
            throw new ArgumentException(
                $"{numTokens} tokens requested but the large model has {large.Count} rows and the small model {small.Count}.");
        for (int i = 0; i < numTokens; i++)
        {
            if (large[i].Length != small[i].Length)
                throw new ArgumentException(
                    $"Row {i}: the large model has {large[i].Length} probabilities but the small model {small[i].Length}.");
            DistributionChecks.RequireProbabilityPair(large[i], small[i], $"row {i}");
        }

        var results = new PositionCoupling[numTokens];
        int finished = 0;
        void RunPosition(int i)
        {
            results[i] = Measure(i, large[i], small[i], numRetries, engine, seed) with
            {
                Lists = MeasureLists(i, large[i], small[i], numRetries, listSizes, seed),
            };
            int count = Interlocked.Increment(ref finished);
            progress?.Report(count);
        }

        if (engine is RaceEstimator)
            Parallel.For(0, numTokens, RunPosition);
        else
            for (int i = 0; i < numTokens; i++)
                RunPosition(i);
        return results;
    }

    /// <summary>Streams 2 + K of the position's seed: the single-draft couplings use streams 0 and 1.</summary>
    private static ListAgreement[] MeasureLists(int token, double[] large, double[] small, int retries,
        IReadOnlyList<int> listSizes, ulong seed)
    {
        ulong positionSeed = SeedMixer.Derive(seed, (ulong)token);
        var race = new RaceEstimator();
        return listSizes.Select(size => new ListAgreement(size,
            race.GumbelList(small, large, size, retries, SeedMixer.Derive(positionSeed, 2 + (ulong)size)),
            ExactListAgreement.Gumbel(small, large, size))).ToArray();
    }

    private static PositionCoupling Measure(int token, double[] p, double[] q, int retries, IAgreementEstimator engine, ulong seed)
    {
        ulong positionSeed = SeedMixer.Derive(seed, (ulong)token);
        ulong gumbelSeed = SeedMixer.Derive(positionSeed, 0), wmhSeed = SeedMixer.Derive(positionSeed, 1);
        var (gumbel, wmh) = engine is RaceEstimator
            ? RaceEstimator.Both(p, q, retries, gumbelSeed, wmhSeed)
            : (engine.Gumbel(p, q, retries, gumbelSeed), engine.WeightedMinHash(p, q, retries, wmhSeed));
        double dtv = TotalVariation.Distance(p, q);
        return new PositionCoupling(
            token,
            dtv,
            gumbel,
            wmh,
            ExactAgreement.Gumbel(p, q),
            ExactAgreement.WeightedMinHash(p, q),
            CouplingBounds.TightLower(p, q),
            CouplingBounds.Upper(dtv),
            CouplingBounds.Lower(dtv));
    }
}
