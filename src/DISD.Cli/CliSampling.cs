using System.CommandLine;
using System.Globalization;

namespace DISD.Cli;

/// <summary>
/// --top-k, --top-p, --min-p: the truncations every verb applies after the temperature, in transformers' order
/// (temperature, top-k, top-p, min-p). Off by default.
/// </summary>
public sealed class CliSampling
{
    public Option<int?> TopK { get; } = new("--top-k", "--top_k")
    {
        Description = "Keep the k most probable tokens (ties with the k-th kept); off when not given",
    };

    public Option<double> TopP { get; } = new("--top-p", "--top_p")
    {
        Description = "Keep the smallest set of most probable tokens whose mass reaches p (the crossing token included); in (0, 1], 1 = off",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<double> MinP { get; } = new("--min-p", "--min_p")
    {
        Description = "Keep tokens with probability ≥ min-p × the top token's; in [0, 1), 0 = off",
        DefaultValueFactory = _ => 0.0,
    };

    public IEnumerable<Option> All => [TopK, TopP, MinP];

    /// <summary>The validated values (null where off).</summary>
    public (int? TopK, double? TopP, double? MinP) Read(ParseResult parse)
    {
        var topK = parse.GetValue(TopK);
        var topP = parse.GetValue(TopP);
        var minP = parse.GetValue(MinP);
        if (topK is < 1)
            throw new DisdException($"{TopK.Name} must be ≥ 1, got {topK}");
        if (!(topP > 0 && topP <= 1))
            throw new DisdException($"{TopP.Name} must lie in (0, 1], got {Format(topP)}");
        if (!(minP >= 0 && minP < 1))
            throw new DisdException($"{MinP.Name} must lie in [0, 1), got {Format(minP)}");
        return (topK, topP < 1 ? topP : null, minP > 0 ? minP : null);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
