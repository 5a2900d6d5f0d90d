using DISD.Plotting;

namespace DISD.Cli.Commands;

/// <summary>What plot-coupling does for every prompt: the model pair, the options, the folders.</summary>
/// <param name="NumTokens">Positions to compare; null for --num-tokens all (every row of the tables).</param>
/// <param name="Device">The dense engine's device; null for the race engine.</param>
/// <param name="ListSizes">List sizes K for the Gumbel list agreement (--list-sizes); empty for none.</param>
internal sealed record PlotCouplingRequest(
    string ModelLarge,
    string ModelSmall,
    int? NumTokens,
    int NumRetries,
    string Engine,
    TorchSharp.torch.Device? Device,
    ulong Seed,
    string DataDir,
    string ImgDir,
    FigureFormat Format,
    bool SkipExisting,
    int[] ListSizes)
{
    public const string AllRows = "all";

    public string FigureExtension => "." + Format.ToString().ToLowerInvariant();

    /// <summary>The figure's subtitle: what a reader needs to tell one figure from another of the same prompt.</summary>
    public string Subtitle(string largeLabel, string smallLabel) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{largeLabel} vs {smallLabel} · {NumRetries:N0} trials per point · {Engine} engine · seed {Seed}");
}
