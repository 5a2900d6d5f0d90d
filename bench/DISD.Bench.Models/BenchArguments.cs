using static TorchSharp.torch;

namespace DISD.Bench.Models;

internal sealed record BenchArguments(string? ModelDir, string Shape, int Threads, ScalarType DType, int Block, int Repeats, bool Json, bool OpsDetail, bool OpsTrace, bool Projections = false, bool OpsTime = false)
{
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
                "--threads" => result with { Threads = int.Parse(Value()) },
                "--dtype" => result with { DType = BenchOptions.ParseDType(Value()) },
                "--block" => result with { Block = int.Parse(Value()) },
                "--repeats" => result with { Repeats = int.Parse(Value()) },
                "--json" => result with { Json = true },
                "--ops-detail" => result with { OpsDetail = true },
                "--ops-trace" => result with { OpsTrace = true },
                "--projections" => result with { Projections = true },
                "--ops-time" => result with { OpsTime = true },
                var other => throw new ArgumentException($"unknown option {other}; see the usage line in Program.cs"),
            };
        }
        return result;
    }
}
