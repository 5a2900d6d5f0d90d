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
        ArgumentNullException.ThrowIfNull(large);
        ArgumentNullException.ThrowIfNull(small);
        RequireRequest(large.Count, small.Count, numTokens, numRetries, listSizes, engine);
        for (int i = 0; i < numTokens; i++)
        {
            if (large[i].Length != small[i].Length)
                throw new ArgumentException(
                    $"Row {i}: the large model has {large[i].Length} probabilities but the small model {small[i].Length}.");
            DistributionChecks.RequireProbabilityPair(large[i], small[i], $"row {i}");
        }

        return RunPositions(numTokens, engine, progress, i => MeasureAll(i, large[i], small[i], numRetries, engine, seed, listSizes));
    }

    /// <summary>
    /// <see cref="Run(IReadOnlyList{double[]}, IReadOnlyList{double[]}, int, int, IAgreementEstimator, ulong, IProgress{int}?, IReadOnlyList{int}?)"/>
    /// on float32 tables (what the table files hold): each position's pair is widened exactly to double in this thread's
    /// <see cref="ScratchArrays"/>, so the results are those of the widened tables without holding them as doubles.
    /// </summary>
    public static IReadOnlyList<PositionCoupling> Run(IReadOnlyList<ReadOnlyMemory<float>> large, IReadOnlyList<ReadOnlyMemory<float>> small,
        int numTokens, int numRetries, IAgreementEstimator engine, ulong seed, IProgress<int>? progress = null,
        IReadOnlyList<int>? listSizes = null)
    {
        listSizes ??= [];
        RequireRequest(large.Count, small.Count, numTokens, numRetries, listSizes, engine);
        for (int i = 0; i < numTokens; i++)
        {
            if (large[i].Length != small[i].Length)
                throw new ArgumentException(
                    $"Row {i}: the large model has {large[i].Length} probabilities but the small model {small[i].Length}.");
            // Checked up front, as the double overload does, so a bad row is an ArgumentException and not a parallel failure.
            DistributionChecks.RequireProbabilityPair(large[i].Span, small[i].Span, $"row {i}");
        }
        return RunPositions(numTokens, engine, progress, i =>
        {
            var p = Widened(large[i], 4);
            var q = Widened(small[i], 5);
            try
            {
                return MeasureAll(i, p, q, numRetries, engine, seed, listSizes);
            }
            finally
            {
                ScratchArrays.Return(p, 4);
                ScratchArrays.Return(q, 5);
            }
        });
    }

    private static double[] Widened(ReadOnlyMemory<float> row, int slot)
    {
        var wide = ScratchArrays.Rent<double>(row.Length, slot);
        var values = row.Span;
        for (int i = 0; i < values.Length; i++)
            wide[i] = values[i];
        return wide;
    }

    private static PositionCoupling MeasureAll(int i, double[] p, double[] q, int retries, IAgreementEstimator engine, ulong seed,
        IReadOnlyList<int> listSizes) =>
        Measure(i, p, q, retries, engine, seed) with { Lists = MeasureLists(i, p, q, retries, listSizes, seed) };

    private static void RequireRequest(int largeRows, int smallRows, int numTokens, int numRetries, IReadOnlyList<int> listSizes,
        IAgreementEstimator engine)
    {
        if (listSizes.Any(size => size < 1))
            throw new ArgumentOutOfRangeException(nameof(listSizes), "List sizes must be at least 1.");
        ArgumentNullException.ThrowIfNull(engine);
        if (numTokens <= 0)
            throw new ArgumentOutOfRangeException(nameof(numTokens), numTokens, "The number of tokens must be positive.");
        RaceEstimator.RequirePositive(numRetries);
        if (largeRows < numTokens || smallRows < numTokens)
            throw new ArgumentException(
                $"{numTokens} tokens requested but the large model has {largeRows} rows and the small model {smallRows}.");
    }

    /// <summary>Positions in parallel for the race engine (results do not depend on the order), in order otherwise.</summary>
    private static PositionCoupling[] RunPositions(int numTokens, IAgreementEstimator engine, IProgress<int>? progress,
        Func<int, PositionCoupling> measure)
    {
        var results = new PositionCoupling[numTokens];
        int finished = 0;
        void RunPosition(int i)
        {
            results[i] = measure(i);
            int count = Interlocked.Increment(ref finished);
            progress?.Report(count);
        }

        // One thread per core: each thread that takes part keeps its own ScratchArrays, and more threads than cores
        // would only add their first-touch cost.
        if (engine is RaceEstimator)
            Parallel.For(0, numTokens, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, RunPosition);
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
