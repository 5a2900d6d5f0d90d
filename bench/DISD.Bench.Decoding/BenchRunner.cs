using DISD.Decoding;
using DISD.Models;

namespace DISD.Bench.Decoding;

internal sealed record BenchRow(string Method, string Coupling, string K, DecodingResult Result, double Speedup,
    bool? SameAsTargetOnly);

/// <summary>Runs target-only, DISD (gumbel, wmh) and standard speculative decoding for each k.</summary>
internal sealed class BenchRunner(ICausalLanguageModel target, ICausalLanguageModel drafter, IReadOnlyList<int> prompt,
    BenchSettings settings)
{
    /// <summary>Runs every configuration, reporting each row as soon as it is measured.</summary>
    public List<BenchRow> Run(Action<BenchRow> report)
    {
        var rows = new List<BenchRow>();
        void Add(BenchRow row)
        {
            rows.Add(row);
            report(row);
        }
        foreach (var coupling in new[] { CouplingKind.Gumbel, CouplingKind.WeightedMinHash })
        {
            var options = new DecodingOptions(settings.Tokens, settings.Temperature, settings.Seed, coupling,
                StopAtEos: false, ComputePredictedAcceptance: false);
            var name = coupling == CouplingKind.Gumbel ? "gumbel" : "wmh";
            var baseline = Best(() => new TargetOnlyDecoder(target, options).Generate(prompt));
            Add(new BenchRow("target-only", name, "-", baseline, 1.0, null));
            foreach (var k in settings.DraftLengths)
            {
                var result = Best(() => new SpeculativeDecoder(target, drafter, options,
                    new SpeculativeOptions(SpeculativeMethod.Disd, DraftLength.Fixed(k))).Generate(prompt));
                Add(new BenchRow("disd", name, k.ToString(), result, baseline.Seconds / result.Seconds,
                    result.Tokens.SequenceEqual(baseline.Tokens)));
            }
            if (coupling == CouplingKind.Gumbel)
            {
                foreach (var k in settings.DraftLengths)
                {
                    var result = Best(() => new SpeculativeDecoder(target, drafter, options,
                        new SpeculativeOptions(SpeculativeMethod.Standard, DraftLength.Fixed(k))).Generate(prompt));
                    Add(new BenchRow("standard", "-", k.ToString(), result, baseline.Seconds / result.Seconds, null));
                }
            }
        }
        return rows;
    }

    /// <summary>Fastest of the repeats, after one short warm-up run of the same configuration (JIT, allocator).</summary>
    private DecodingResult Best(Func<DecodingResult> run)
    {
        run();
        DecodingResult? best = null;
        for (var i = 0; i < Math.Max(1, settings.Repeats); i++)
        {
            var result = run();
            if (best is null || result.Seconds < best.Seconds)
                best = result;
        }
        return best!;
    }
}
