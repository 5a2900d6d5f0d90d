using DISD.Decoding;
using DISD.Models;

namespace DISD.Cli.Commands;

/// <summary>What one <c>disd speculate</c> decoding does: options and the models it runs on.</summary>
/// <param name="Ngram">The model-free drafter (<c>--drafter ngram</c>), or null for a drafter model or none.</param>
internal sealed record SpeculateSettings(DecodingOptions Options, SpeculativeMethod Method, DraftLength DraftLength,
    NgramDrafter? Ngram = null);

/// <summary>A decoding result and where its time went.</summary>
/// <param name="TargetSeconds">Time inside the target's forward calls.</param>
/// <param name="DrafterSeconds">Time inside the drafter's forward calls.</param>
internal sealed record SpeculateOutcome(DecodingResult Result, double TargetSeconds, double DrafterSeconds)
{
    /// <summary>
    /// Everything else that decoding does: sampling (Gumbel noise or WMH darts), verification, host reads, cache
    /// bookkeeping; the predicted acceptance's own time is <see cref="PredictionSeconds"/>.
    /// </summary>
    public double OtherSeconds => Math.Max(0, Result.Seconds - TargetSeconds - DrafterSeconds - PredictionSeconds);

    /// <summary>The exact predicted acceptance, a diagnostic computed apart from the steps on the CPU.</summary>
    public double PredictionSeconds => Result.PredictionSeconds;
}

/// <summary>Runs speculative or target-only decoding on timed models.</summary>
internal sealed class SpeculateRunner(ICausalLanguageModel target, ICausalLanguageModel? drafter, SpeculateSettings settings)
{
    private readonly TimedModel _target = new(target);
    private readonly TimedModel? _drafter = drafter is null ? null : new TimedModel(drafter);

    public bool HasDrafter => _drafter is not null || settings.Ngram is not null;

    /// <summary>With the drafter (target-only when there is none).</summary>
    public SpeculateOutcome Decode(IReadOnlyList<int> prompt)
    {
        var speculative = new SpeculativeOptions(settings.Method, settings.DraftLength);
        _target.Reset();
        if (settings.Ngram is { } ngram)
        {
            var result = new SpeculativeDecoder(_target, ngram, settings.Options, speculative).Generate(prompt);
            return new SpeculateOutcome(result, _target.Seconds, result.Rounds.Sum(r => r.DrafterSeconds));
        }

        if (_drafter is null)
        {
            return TargetOnly(prompt);
        }

        _drafter.Reset();
        var decoded = new SpeculativeDecoder(_target, _drafter, settings.Options, speculative).Generate(prompt);
        return new SpeculateOutcome(decoded, _target.Seconds, _drafter.Seconds);
    }

    /// <summary>The target alone with the same sampler and seed (the output DISD must reproduce).</summary>
    public SpeculateOutcome TargetOnly(IReadOnlyList<int> prompt)
    {
        _target.Reset();
        var result = new TargetOnlyDecoder(_target, settings.Options).Generate(prompt);
        return new SpeculateOutcome(result, _target.Seconds, 0);
    }
}
