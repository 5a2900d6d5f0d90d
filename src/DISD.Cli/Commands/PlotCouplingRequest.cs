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

    /// <summary>In words, which machines give this run's results bit for bit (the <c>--json</c>'s <c>bit_identical</c>).</summary>
    public string BitIdentical => Device switch
    {
        null => "with every x86-64 CPU and thread count, the same disd (the race engine's draws are disd's own code); the exact "
            + "list agreement of --list-sizes uses the C library's exp/pow, whose last bits may differ on CPUs without AVX2 and FMA",
        { type: TorchSharp.DeviceType.CPU } => "not promised across CPUs: the dense engine draws through libtorch's float log, which "
            + "on the CPU is MKL's, and MKL picks its code by CPU",
        _ => DISD.Runtime.ComputeRuntime.SameGpuModel,
    };

    /// <summary>The figure's subtitle: what a reader needs to tell one figure from another of the same prompt.</summary>
    public string Subtitle(string largeLabel, string smallLabel) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{largeLabel} vs {smallLabel} · {NumRetries:N0} trials per point · {Engine} engine · seed {Seed}");
}
