using System.CommandLine;
using System.Globalization;
using DISD.Decoding;

namespace DISD.Cli;

/// <summary>Bounds on counts and values given on the command line, checked before any model is loaded.</summary>
public static class RequestLimits
{
    /// <summary>Generated tokens per request; far past any model's context (the context check refuses most before this).</summary>
    public const int MaxNewTokens = 1 << 20;

    /// <summary>Intra-op threads per CPU core: more only adds contention.</summary>
    public const int ThreadsPerCore = 4;

    public static int Tokens(int value, Option<int> option) => Tokens(value, option.Name);

    public static int Tokens(int value, string option)
    {
        if (value <= 0)
            throw new DisdException(string.Create(CultureInfo.InvariantCulture, $"{option} must be positive, got {value}"));
        return value <= MaxNewTokens ? value
            : throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                $"{option} {value} is above the limit of {MaxNewTokens} tokens; ask for fewer"));
    }

    public static int Threads(int value, Option<int> option)
    {
        int limit = ThreadsPerCore * Environment.ProcessorCount;
        return value switch
        {
            < 0 => throw new DisdException($"{option.Name} must be ≥ 0 (0 = libtorch's default), got {value}"),
            _ when value > limit => throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                $"{option.Name} {value} is above the limit of {limit} ({ThreadsPerCore} × the {Environment.ProcessorCount} CPU cores); "
                + $"give at most {limit} (one per core, {Environment.ProcessorCount}, is usually fastest)")),
            _ => value,
        };
    }

    /// <summary>A sampling temperature: 0 (greedy, where <paramref name="zeroIsGreedy"/>) or from <see cref="DecodingOptions.MinTemperature"/> on.</summary>
    public static double Temperature(double value, Option<double> option, bool zeroIsGreedy)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        string greedy = zeroIsGreedy ? "--temperature 0" : "--decoding greedy";
        if (zeroIsGreedy && value == 0)
        {
            return value;
        }
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new DisdException($"{option.Name} must be a finite number {(zeroIsGreedy ? "≥ 0" : "> 0")}, got {text} (use {greedy} for the argmax)");
        }
        return value >= DecodingOptions.MinTemperature ? value
            : throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                $"{option.Name} {text} is below the minimum {DecodingOptions.MinTemperature} (smaller ones overflow the scaled float32 logits); use {greedy} "
                    + $"for the argmax"));
    }
}
