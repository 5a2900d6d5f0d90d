namespace DISD.Decoding;

public static class CouplingSamplers
{
    /// <summary>The sampler for the options: greedy at temperature 0, otherwise the chosen coupling.</summary>
    public static ICouplingSampler For(DecodingOptions options) => options.Temperature == 0
        ? new GreedySampler()
        : options.Coupling switch
        {
            CouplingKind.Gumbel when options.NumDrafts > 1 => new GumbelListCouplingSampler(options.Seed, options.NumDrafts),
            CouplingKind.Gumbel => new GumbelCouplingSampler(options.Seed),
            CouplingKind.WeightedMinHash => new WeightedMinHashCouplingSampler(options.Seed,
                options.WmhDartsPerTokenPerBatch),
            _ => throw new ArgumentException($"Unknown coupling {options.Coupling}."),
        };
}
