using System.Diagnostics;
using System.Globalization;
using System.Text;
using DISD.Couplings;
using DISD.Decoding;
using DISD.IO;
using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Bench.Gpu;

/// <summary>
/// Times the pieces of the DISD workflow on one device with a random-weight Gemma-2 checkpoint and returns a markdown
/// table with the anchors measured on an H200 with the original Python code beside each number.
/// </summary>
internal static class Bench
{
    private const int PromptTokens = 32;
    private const int GeneratedTokens = 32;

    private sealed record Row(string What, string Measured, string Anchor);

    /// <param name="onRow">Receives the table so far after every row (so a run cut short still leaves its rows).</param>
    public static string Run(BenchOptions options, Device device, Action<string> onRow)
    {
        var config = BenchConfig.Parse(options.Config);
        var timer = new Timer(device);
        var rows = new List<Row>();
        var random = new Random(1234);
        long[] RandomIds(int count) => Enumerable.Range(0, count).Select(_ => (long)random.Next(3, config.Vocab)).ToArray();
        void Add(string what, string measured, string anchor = "")
        {
            rows.Add(new Row(what, measured, anchor));
            Console.Error.WriteLine($"bench: {what}: {measured}");
            onRow(Table(options, config, device, rows));
        }

        string checkpoint = Path.Combine(options.Work, $"gemma2-{config.Name}-random");
        double writeSeconds = Seconds(() => RandomCheckpoint.Write(config, checkpoint, device));
        long fileBytes = new FileInfo(Path.Combine(checkpoint, "model.safetensors")).Length;
        Add("random checkpoint written (or reused)", $"{Gb(fileBytes)} in {writeSeconds:F1} s");

        using var noGrad = torch.no_grad();
        Add("small op latency (x.add_(1), 2000 ops)", $"{SmallOpMicros(device, timer):F1} µs/op", "TorchSharp 11.9 µs, PyTorch 8.7 µs (H200)");
        if (!options.Skip.Contains("model"))
        {
            SingleModel(options, config, checkpoint, fileBytes, device, timer, RandomIds, Add);
        }

        if (!options.Skip.Contains("generate"))
        {
            var (large, small) = GenerateFlow(options, config, checkpoint, device, timer, RandomIds(8), Add);
            if (!options.Skip.Contains("coupling"))
            {
                Coupling(options, large, small, device, Add);
            }
        }
        return Table(options, config, device, rows);
    }

    private static void SingleModel(BenchOptions options, BenchConfig config, string checkpoint, long fileBytes, Device device, Timer timer,
        Func<int, long[]> randomIds, Action<string, string, string> add)
    {
        ICausalLanguageModel? model = null;
        try
        {
            double loadSeconds = timer.Seconds(() => model = ModelLoader.Load(checkpoint, device, options.DType));
            add($"weight load ({options.DType}, page cache warm)", $"{loadSeconds:F2} s, {fileBytes / loadSeconds / 1e9:F2} GB/s", "");
            var prompt = torch.tensor(randomIds(PromptTokens), device: device);
            using var cache = model!.NewCache(PromptTokens + options.DecodeSteps + 2);
            double prefill = timer.Median(10, () =>
            {
                cache.Truncate(0);
                model.Prefill(prompt, cache);
            });
            add($"prefill {PromptTokens} tokens (median of 10)", $"{prefill * 1e3:F2} ms", "");

            if (!options.Skip.Contains("decode"))
            {
                cache.Truncate(0);
                var last = model.Prefill(prompt, cache)[-1];
                var steps = new double[options.DecodeSteps];
                for (int i = 0; i < steps.Length; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    var watch = Stopwatch.StartNew();
                    long token = last.argmax().item<long>(); // the one host read per step, which also waits for the device
                    last = model.Decode(torch.tensor(new[] { token }, device: device), cache)[0].MoveToOuterDisposeScope();
                    timer.Sync();
                    steps[i] = watch.Elapsed.TotalMilliseconds;
                }
                Array.Sort(steps);
                add($"decode per token, greedy with KV cache (median of {steps.Length})", $"{steps[steps.Length / 2]:F2} ms",
                    config.Name switch
                    {
                        "2b" => "transformers 32.0 ms; bandwidth limit ≈ 1.1 ms (H200, bf16)",
                        "9b" => "transformers 73.9 ms (H200, bf16)",
                        _ => "",
                    });
            }
        }
        finally
        {
            model?.Dispose();
        }
    }

    private static (double[][] Large, double[][] Small) GenerateFlow(BenchOptions options, BenchConfig config, string checkpoint,
        Device device, Timer timer, long[] prompt, Action<string, string, string> add)
    {
        var models = new List<ICausalLanguageModel>();
        try
        {
            double load = timer.Seconds(() =>
            {
                for (int i = 0; i < 3; i++)
                {
                    models.Add(ModelLoader.Load(checkpoint, device, options.DType));
                }
            });
            GeneratedDistributions? generated = null;
            double generate = timer.Seconds(() => generated = DistributionGenerator.Run(models, prompt.Select(id => (int)id).ToArray(), config.Vocab,
                new DecodingOptions(GeneratedTokens, Temperature: 1.0, Seed: 0, StopAtEos: false)));
            string data = Path.Combine(options.Work, "data");
            Directory.CreateDirectory(data);
            double csv = Seconds(() =>
            {
                for (int m = 0; m < 3; m++)
                {
                    DistributionCsv.Write(Path.Combine(data, $"model{m}_probs.csv"), generated!.Distributions[m]);
                }
            });
            add($"generate flow: load 3 models", $"{load:F2} s", "");
            add($"generate flow: 3 models × {GeneratedTokens} tokens, V = {config.Vocab:N0}", $"{generate:F2} s", "");
            add($"generate flow: write 3 CSVs", $"{csv:F2} s", "");
            add("generate flow total (load + generate + CSV)", $"{load + generate + csv:F2} s",
                config.Name == "2b" ? "≈ 56 s (original Python, three 2B-arch models, H200)" : "");
            static double[][] Doubles(float[][] rows) => rows.Select(r => Array.ConvertAll(r, x => (double)x)).ToArray();
            return (Doubles(generated!.Distributions[0]), Doubles(generated.Distributions[1]));
        }
        finally
        {
            models.ForEach(m => m.Dispose());
        }
    }

    private static void Coupling(BenchOptions options, double[][] large, double[][] small, Device device, Action<string, string, string> add)
    {
        int positions = Math.Min(options.Positions, large.Length);
        string shape = $"V = {large[0].Length:N0} × {positions} positions × {options.Retries:N0} retries";
        if (!options.Skip.Contains("dense"))
        {
            using var dense = new DenseEstimator(device);
            double seconds = Seconds(() => CouplingExperiment.Run(large, small, positions, options.Retries, dense, seed: 0));
            add($"plot-coupling, dense engine on {device}, {shape}", $"{seconds:F1} s, {seconds / positions:F2} s/position", Anchor(large));
        }
        if (!options.Skip.Contains("race"))
        {
            double seconds = Seconds(() => CouplingExperiment.Run(large, small, positions, options.Retries, new RaceEstimator(), seed: 0));
            add($"plot-coupling, race engine on CPU ({Environment.ProcessorCount} cores), {shape}", $"{seconds:F1} s, {seconds / positions:F2} s/position",
                Anchor(large));
        }
    }

    /// <summary>The anchor holds for the paper's setting only: V = 256,000 and 20,000 retries per position.</summary>
    private static string Anchor(double[][] large) => large[0].Length == 256_000 ? "≈ 55 s/position at 20,000 retries (original Python, H200)" : "";

    private static double SmallOpMicros(Device device, Timer timer)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(16, device: device);
        const int ops = 2000;
        for (int i = 0; i < 100; i++)
        {
            x.add_(1);
        }
        return timer.Seconds(() =>
        {
            for (int i = 0; i < ops; i++)
            {
                x.add_(1);
            }
        }) * 1e6 / ops;
    }

    private static double Seconds(Action run)
    {
        var watch = Stopwatch.StartNew();
        run();
        return watch.Elapsed.TotalSeconds;
    }

    private static string Gb(long bytes) => (bytes / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " GB";

    private static string Table(BenchOptions options, BenchConfig config, Device device, List<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine($"config {config.Name} (hidden {config.Hidden}, {config.Layers} layers, heads {config.Heads}/{config.KvHeads}, " +
                        $"head_dim {config.HeadDim}, " +
                        $"intermediate {config.Intermediate}, vocab {config.Vocab}), device {device}, dtype {options.DType}, " +
                        $"{Environment.ProcessorCount} CPU cores, torch threads {torch.get_num_threads()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine("| measurement | this run | anchor |");
        text.AppendLine("|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine($"| {row.What} | {row.Measured} | {row.Anchor} |");
        }
        return text.ToString();
    }
}
