using static TorchSharp.torch;

namespace DISD.Bench.Gpu;

internal sealed record BenchOptions(
    string Config, string Device, ScalarType DType, string Out, string Work, int Positions, int Retries, int DecodeSteps,
    HashSet<string> Skip, string Fixtures, double Tolerance, int? Threads = null, long Seed = 0)
{
    // Three pieces only so that no source line is longer than 160 characters; the text is one usage message.
    public const string Usage = """
        usage: disd-bench-gpu [bench] [--config 2b|9b|tiny] [--device auto|cpu|cuda|cuda:N] [--dtype bfloat16|float16|float32]
                              [--out DIR] [--work DIR] [--positions N (32; tiny 8)] [--retries N (20000; tiny 2000)] [--decode-steps N]
        """ + " [--threads N (torch CPU threads)]\n" + """
                              [--skip-model (load, prefill, decode)] [--skip-decode] [--skip-generate] [--skip-coupling] [--skip-dense] [--skip-race]
               disd-bench-gpu golden --fixtures DIR [--device ...] [--tolerance 1e-3] [--out DIR]
               disd-bench-gpu checkpoint --config NAME --work DIR [--seed N (0)]   (writes the random checkpoint only)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions("tiny", "auto", ScalarType.BFloat16, "bench-out", Path.Combine(Path.GetTempPath(), "disd-bench"),
            32, 20_000, 64, [], Path.Combine("tests", "DISD.Tests", "fixtures", "golden"), 1e-3);
        var queue = new Queue<string>(args);
        string Value(string option) => queue.Count > 0 ? queue.Dequeue() : throw new DisdException($"{option} needs a value");
        int Count(string option) => int.TryParse(Value(option), out int n) && n > 0 ? n : throw new DisdException($"{option} must be a positive integer");
        while (queue.Count > 0)
        {
            string option = queue.Dequeue();
            o = option switch
            {
                "--config" => o with { Config = Value(option) },
                "--device" => o with { Device = Value(option) },
                "--dtype" => o with { DType = ParseDType(Value(option)) },
                "--out" => o with { Out = Value(option) },
                "--work" => o with { Work = Value(option) },
                "--positions" => o with { Positions = Count(option) },
                "--retries" => o with { Retries = Count(option) },
                "--decode-steps" => o with { DecodeSteps = Count(option) },
                "--threads" => o with { Threads = Count(option) },
                "--seed" => o with
                {
                    Seed = long.TryParse(Value(option), out long seed) && seed >= 0 ? seed : throw new DisdException("--seed must be a non-negative integer"),
                },
                "--fixtures" => o with { Fixtures = Value(option) },
                "--tolerance" => o with { Tolerance = double.Parse(Value(option), System.Globalization.CultureInfo.InvariantCulture) },
                _ when option.StartsWith("--skip-", StringComparison.Ordinal) => o with { Skip = [.. o.Skip, option["--skip-".Length..]] },
                _ => throw new DisdException($"unknown option '{option}'\n{Usage}"),
            };
        }
        // The tiny config is the CPU smoke run: fewer positions and retries unless given.
        var given = new HashSet<string>(args);
        if (o.Config == "tiny")
        {
            o = o with { Positions = given.Contains("--positions") ? o.Positions : 8, Retries = given.Contains("--retries") ? o.Retries : 2_000 };
        }
        return o;
    }

    public static ScalarType ParseDType(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => throw new DisdException($"--dtype '{name}' is not a dtype; expected bfloat16, float16 or float32"),
    };
}
