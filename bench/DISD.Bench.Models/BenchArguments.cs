using static TorchSharp.torch;

namespace DISD.Bench.Models;

internal sealed record BenchArguments(string? ModelDir, string Shape, int Threads, ScalarType DType, int Block, int Repeats, bool Json, bool OpsDetail,
    bool OpsTrace, bool Projections = false, bool OpsTime = false, bool KernelRates = false, bool RowOps = false)
{
    public const string Usage =
        "usage: DISD.Bench.Models (--model DIR | --shape demo-large|gemma2-150m) [--threads N (1)] [--dtype float32|bfloat16 (float32)]\n"
        + "       [--block K1 (5)] [--repeats N (30)] [--json] [--ops-detail] [--ops-trace] [--ops-time] [--projections] [--kernel-rates] [--row-ops]";

    public static BenchArguments Parse(string[] args)
    {
        var result = new BenchArguments(null, "demo-large", 1, ScalarType.Float32, 5, 30, false, false, false);
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            result = args[i] switch
            {
                "--model" => result with { ModelDir = Value() },
                "--shape" => result with { Shape = Value() },
                "--threads" => result with { Threads = Positive(Value(), "--threads") },
                "--dtype" => result with { DType = BenchOptions.ParseDType(Value()) },
                "--block" => result with { Block = Positive(Value(), "--block") },
                "--repeats" => result with { Repeats = Positive(Value(), "--repeats") },
                "--json" => result with { Json = true },
                "--ops-detail" => result with { OpsDetail = true },
                "--ops-trace" => result with { OpsTrace = true },
                "--projections" => result with { Projections = true },
                "--ops-time" => result with { OpsTime = true },
                "--kernel-rates" => result with { KernelRates = true },
                "--row-ops" => result with { RowOps = true },
                var other => throw new ArgumentException($"unknown option {other}"),
            };
        }
        if (result.ModelDir is null && result.Shape is not ("demo-large" or "gemma2-150m"))
            throw new ArgumentException($"--shape '{result.Shape}' is not one of demo-large, gemma2-150m");
        return result;
    }

    private static int Positive(string value, string option) =>
        int.TryParse(value, out int n) && n > 0 ? n : throw new ArgumentException($"{option} expects a positive integer, got '{value}'");
}
