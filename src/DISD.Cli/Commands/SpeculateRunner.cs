using DISD.Decoding;
using DISD.Models;

namespace DISD.Cli.Commands;

/// <summary>What one <c>disd speculate</c> decoding does: options and the models it runs on.</summary>
internal sealed record SpeculateSettings(DecodingOptions Options, SpeculativeMethod Method, DraftLength DraftLength);

/// <summary>A decoding result and where its time went.</summary>
/// <param name="TargetSeconds">Time inside the target's forward calls.</param>
/// <param name="DrafterSeconds">Time inside the drafter's forward calls.</param>
internal sealed record SpeculateOutcome(DecodingResult Result, double TargetSeconds, double DrafterSeconds)
{
    /// <summary>Everything else: sampling (Gumbel noise or WMH darts), verification, host reads, cache bookkeeping.</summary>
    public double OtherSeconds => Math.Max(0, Result.Seconds - TargetSeconds - DrafterSeconds);
}

/// <summary>Runs speculative or target-only decoding on timed models.</summary>
internal sealed class SpeculateRunner(ICausalLanguageModel target, ICausalLanguageModel? drafter, SpeculateSettings settings)
{
    private readonly TimedModel _target = new(target);
    private readonly TimedModel? _drafter = drafter is null ? null : new TimedModel(drafter);

    public bool HasDrafter => _drafter is not null;

    /// <summary>With the drafter (target-only when there is none).</summary>
    public SpeculateOutcome Decode(IReadOnlyList<int> prompt)
    {
        if (_drafter is null)
        {
            return TargetOnly(prompt);
        }

        _target.Reset();
        _drafter.Reset();
        var decoder = new SpeculativeDecoder(_target, _drafter, settings.Options,
            new SpeculativeOptions(settings.Method, settings.DraftLength));
        var result = decoder.Generate(prompt);
        return new SpeculateOutcome(result, _target.Seconds, _drafter.Seconds);
    }

    /// <summary>The target alone with the same sampler and seed (the output DISD must reproduce).</summary>
    public SpeculateOutcome TargetOnly(IReadOnlyList<int> prompt)
    {
        _target.Reset();
        var result = new TargetOnlyDecoder(_target, settings.Options).Generate(prompt);
        return new SpeculateOutcome(result, _target.Seconds, 0);
    }
}
