using System.CommandLine;
using DISD.Decoding;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>speculate's decoding options (<see cref="SpeculateSettings"/>) read from the command line, and the run's <see cref="SpeculateConfig"/>.</summary>
internal static class SpeculateSettingsReader
{
    public static SpeculateSettings Read(SpeculateCommand o, ParseResult parse)
    {
        var maxNewTokens = RequestLimits.Tokens(parse.GetValue(o.MaxNewTokens), o.MaxNewTokens);
        var temperature = RequestLimits.Temperature(parse.GetValue(o.Temperature), o.Temperature, zeroIsGreedy: true);

        var coupling = parse.GetRequiredValue(o.Coupling).Trim().ToLowerInvariant() switch
        {
            "gumbel" => CouplingKind.Gumbel,
            "wmh" => CouplingKind.WeightedMinHash,
            var other => throw new DisdException($"--coupling '{other}' is not a coupling; expected gumbel or wmh"),
        };
        var method = parse.GetRequiredValue(o.Method).Trim().ToLowerInvariant() switch
        {
            "disd" => SpeculativeMethod.Disd,
            "standard" => SpeculativeMethod.Standard,
            var other => throw new DisdException($"--method '{other}' is not a method; expected disd or standard"),
        };
        // Standard speculative sampling draws with Gumbel-max whatever --coupling says; say so rather than report a coupling
        // that was not used.
        if (method == SpeculativeMethod.Standard && coupling == CouplingKind.WeightedMinHash)
            throw new DisdException(
                "--coupling wmh applies to --method disd; --method standard samples with Gumbel-max (use --coupling gumbel or leave it out)");
        DraftLength draftLength;
        try
        {
            draftLength = DraftLength.Parse(parse.GetRequiredValue(o.DraftLengthOption));
        }
        catch (ArgumentException e)
        {
            throw new DisdException(e.Message.TrimEnd('.'), e);
        }

        var (topK, topP, minP) = o.Sampling.Read(parse);
        var options = new DecodingOptions(maxNewTokens, temperature, parse.GetValue(o.Seed), coupling,
            StopAtEos: !parse.GetValue(o.IgnoreEos), ComputePredictedAcceptance: !parse.GetValue(o.NoPrediction), TopK: topK, TopP: topP,
            MinP: minP, NumDrafts: parse.GetValue(o.NumDrafts));
        var settings = new SpeculateSettings(options, method, draftLength, ReadNgram(o, parse));
        // Everything but the size bound, which needs the vocabulary (checked again once it is known).
        RequireMultiDraft(settings, vocab: 2);
        return settings;
    }

    /// <summary>--num-drafts against the coupling, the method, the drafter and (given the vocabulary) memory.</summary>
    public static void RequireMultiDraft(SpeculateSettings settings, int vocab)
    {
        var speculative = new SpeculativeOptions(settings.Method, settings.DraftLength);
        if (MultiDraftLimits.Problem(settings.Options, speculative, vocab, modelDrafter: settings.Ngram is null) is { } problem)
            throw new DisdException(problem);
    }

    /// <summary>The n-gram drafter when --drafter is ngram (its range checked either way).</summary>
    private static NgramDrafter? ReadNgram(SpeculateCommand o, ParseResult parse)
    {
        NgramDrafter ngram;
        try
        {
            ngram = new NgramDrafter(parse.GetValue(o.NgramMin), parse.GetValue(o.NgramMax));
        }
        catch (ArgumentException e)
        {
            throw new DisdException(e.Message.TrimEnd('.'), e);
        }

        return string.Equals(parse.GetRequiredValue(o.Drafter).Trim(), NgramDrafter.Name, StringComparison.OrdinalIgnoreCase) ? ngram : null;
    }

    public static SpeculateConfig Config(SpeculateCommand o, ParseResult parse, SpeculateSettings settings, SpeculateModels models,
        Device device, CliDType dtype)
    {
        var hasDrafter = models.Drafter is not null || settings.Ngram is not null;
        var options = settings.Options;
        var coupling = options.Temperature == 0 ? "greedy" : options.Coupling == CouplingKind.Gumbel ? "gumbel" : "wmh";
        return new SpeculateConfig(
            hasDrafter ? settings.Method.ToString().ToLowerInvariant() : "target-only",
            coupling,
            hasDrafter && !settings.DraftLength.IsAdaptive ? settings.DraftLength.Initial : null,
            hasDrafter ? settings.DraftLength.ToString() : "0",
            options.Seed,
            options.Temperature,
            options.TopK,
            options.TopP,
            options.MinP,
            options.Transform.Describe(),
            options.NumDrafts,
            options.MaxNewTokens,
            !options.StopAtEos,
            parse.GetRequiredValue(o.Target),
            settings.Ngram is not null ? NgramDrafter.Name : hasDrafter ? parse.GetRequiredValue(o.Drafter) : SpeculateModels.None,
            settings.Ngram?.MinN,
            settings.Ngram?.MaxN,
            device.ToString(),
            dtype.Name,
            Runtime.ComputeRuntime.Current(device.ToString(), dtype.Name));
    }
}
