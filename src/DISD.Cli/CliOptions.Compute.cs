using System.CommandLine;
using DISD.Runtime;
using static TorchSharp.torch;

namespace DISD.Cli;

/// <summary>A compute dtype and the one name every verb writes for it (in --json, manifests and logs).</summary>
public sealed record CliDType(ScalarType Type, string Name);

/// <summary>
/// --dtype and --threads beside --device: declared and read here for every verb that loads models, so that each option
/// takes the same spellings everywhere and a dtype is recorded under one name.
/// </summary>
public static partial class CliOptions
{
    // Canonical names first; the short and torch-style spellings that some verbs took are accepted on every verb.
    private static readonly Dictionary<string, string> DTypeSpellings = new(StringComparer.Ordinal)
    {
        ["auto"] = "auto",
        ["bfloat16"] = "bfloat16",
        ["float16"] = "float16",
        ["float32"] = "float32",
        ["bf16"] = "bfloat16",
        ["fp16"] = "float16",
        ["half"] = "float16",
        ["fp32"] = "float32",
        ["float"] = "float32",
    };

    /// <summary>--dtype; an unknown spelling is a parse error, so every verb rejects it before doing anything.</summary>
    public static Option<string> DType()
    {
        var option = new Option<string>("--dtype")
        {
            Description = "Compute dtype: auto (bfloat16 on CUDA, float32 on the CPU), bfloat16, float16 or float32 (also bf16, fp16, fp32)",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|bfloat16|float16|float32",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && CanonicalDType(value) is null)
                result.AddError(NotADType(option, value));
        });
        return option;
    }

    private static string? CanonicalDType(string value) => DTypeSpellings.GetValueOrDefault(value.Trim().ToLowerInvariant());

    private static string NotADType(Option option, string value) =>
        $"{option.Name} '{value}' is not a dtype; expected auto, bfloat16, float16 or float32 (or bf16, fp16, fp32)";

    public static Option<int> Threads() => Int("--threads",
        "Torch intra-op CPU threads; 0 keeps libtorch's default (tiny models often run fastest with 1)", 0);

    /// <summary>The device --device names (auto: CUDA when available).</summary>
    public static Device ReadDevice(ParseResult parse, Option<string> option) => DeviceSelector.Resolve(parse.GetRequiredValue(option));

    /// <summary>The dtype --dtype names, in any accepted spelling (case and surrounding spaces ignored); auto depends on <paramref name="device"/>.</summary>
    public static CliDType ReadDType(ParseResult parse, Option<string> option, Device device)
    {
        var value = parse.GetRequiredValue(option);
        var name = CanonicalDType(value) ?? throw new DisdException(NotADType(option, value));
        if (name == "auto")
            name = device.type == TorchSharp.DeviceType.CUDA ? "bfloat16" : "float32";
        return name switch
        {
            "bfloat16" => new CliDType(ScalarType.BFloat16, name),
            "float16" => new CliDType(ScalarType.Float16, name),
            _ => new CliDType(ScalarType.Float32, name),
        };
    }

    /// <summary>Applies --threads (checked against the core count); 0 keeps libtorch's default.</summary>
    public static void ApplyThreads(ParseResult parse, Option<int> option)
    {
        if (RequestLimits.Threads(parse.GetValue(option), option) is > 0 and var threads)
            set_num_threads(threads);
    }
}
