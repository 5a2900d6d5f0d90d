using System.Text.Json;
using DISD.Bench.Gpu;
using DISD.Bench.Models;
using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

// Decode-step latency of one model at block sizes 1 and k+1, positions 16 and 512, and aten operators per step.
// Usage: see BenchArguments.Usage (--help).
DISD.Runtime.NativeRuntime.Prepare();
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchArguments.Usage);
    return 0;
}
BenchArguments options;
try
{
    options = BenchArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"DISD.Bench.Models: {e.Message}");
    Console.Error.WriteLine(BenchArguments.Usage);
    return 2;
}
torch.set_num_threads(options.Threads);
if (options.Projections)
{
    using (torch.inference_mode())
        ProjectionBench.Run(options.Threads, options.Repeats, options.Block);
    return 0;
}
if (options.RowOps)
{
    using (torch.inference_mode())
        RowOpsBench.Run(options.Block);
    return 0;
}
if (options.KernelRates)
{
    using (torch.inference_mode())
        KernelRateBench.Run(options.Block);
    return 0;
}
string checkpoint = options.ModelDir ?? options.Shape switch
{
    "demo-large" => RepoPaths.DemoModel("large"),
    "gemma2-150m" => RandomCheckpoint.Write(BenchConfig.Gemma2_150M, Path.Combine(Path.GetTempPath(), "disd-bench-models", "gemma2-150m"), CPU),
    var other => throw new ArgumentException($"--shape '{other}' is not one of demo-large, gemma2-150m"),
};
string shapeName = options.ModelDir is null ? options.Shape : Path.GetFileName(Path.TrimEndingDirectorySeparator(checkpoint));
Log($"model {checkpoint}, dtype {options.DType}, {torch.get_num_threads()} torch threads");

long rssBefore = ProcessMemory.CurrentRssKiB();
var load = System.Diagnostics.Stopwatch.StartNew();
using var model = ModelLoader.Load(checkpoint, CPU, options.DType);
Log($"load: {load.Elapsed.TotalMilliseconds:F1} ms; RSS before {rssBefore / 1024.0:F1} MiB, after {ProcessMemory.CurrentRssKiB() / 1024.0:F1} MiB, peak "
    + $"(VmHWM) {ProcessMemory.PeakRssKiB() / 1024.0:F1} MiB");
var random = new Random(1234);
long[] RandomIds(int count) => Enumerable.Range(0, count).Select(_ => (long)random.Next(3, model.VocabSize)).ToArray();
using var cache = model.NewCache(1024);

// One step as the decoders run it: new ids in, logits out, the last row's argmax read back to the host.
long Step(long[] ids)
{
    using var input = torch.tensor(ids);
    using var logits = model.Decode(input, cache);
    using var last = logits[-1];
    using var next = last.argmax();
    return next.item<long>();
}

// The prompt's prefill (one block: 16 or 512 positions); the best 512-token prefill is reported.
double prefill512 = double.MaxValue;
void FillCache(int position)
{
    cache.Truncate(0);
    using var ids = torch.tensor(RandomIds(position));
    long start = System.Diagnostics.Stopwatch.GetTimestamp();
    using var logits = model.Prefill(ids, cache);
    if (position == 512)
        prefill512 = Math.Min(prefill512, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

// At each position the one-token step and the block take turns (Timing.Measure), so their ratio holds on a noisy machine.
var measured = new List<(int Block, int Position, Timing.Result Time)>();
int[] blocks = [1, options.Block];
foreach (int position in new[] { 16, 512 })
{
    FillCache(position);
    var times = Timing.Measure(options.Repeats, blocks.Select(block => RandomIds(block)).Select(ids => (Func<long>)(() =>
    {
        cache.Truncate(position);
        return Step(ids);
    })).ToArray());
    measured.AddRange(blocks.Select((block, i) => (block, position, times[i])));
}
var steps = new List<Dictionary<string, object>>();
foreach (var (block, position, time) in measured.OrderBy(m => m.Block).ThenBy(m => m.Position))
{
    Log($"block {block} at position {position}: {time}");
    steps.Add(new() { ["block"] = block, ["position"] = position, ["min_ms"] = Math.Round(time.Min, 3), ["median_ms"] = Math.Round(time.Median, 3) });
}

// Operators per step, counted after the timings so the callback costs them nothing.
(Dictionary<string, long> All, long TopLevel)? OpsOf(int block)
{
    if (!OpCounter.Install())
    {
        return null;
    }
    FillCache(16);
    var ids = RandomIds(block);
    var all = OpCounter.Count(() => Step(ids));
    return (all, OpCounter.TopLevel);
}
var ops = OpsOf(1);
if (options.OpsTime && OpCounter.Install())
{
    // Where a step's time goes: wall time of 20 steps against the time inside directly called libtorch operators
    // (the callback's own cost included); the rest is the projection kernel, .NET and interop.
    foreach (int block in new[] { 1, options.Block })
    {
        foreach (int position in new[] { 16, 512 })
        {
            FillCache(position);
            var ids = RandomIds(block);
            var totals = new Dictionary<string, long>();
            long wall = 0;
            for (int step = 0; step < 20; step++)
            {
                cache.Truncate(position);
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                OpCounter.Count(() => Step(ids));
                wall += System.Diagnostics.Stopwatch.GetTimestamp() - start;
                foreach (var (name, ticks) in OpCounter.TopLevelTicks)
                    totals[name] = totals.GetValueOrDefault(name) + ticks;
            }
            double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency / 20;
            Log($"block {block} at position {position}: {Ms(wall):F2} ms per step, {Ms(totals.Values.Sum()):F2} ms inside libtorch operators; the largest:");
            foreach (var (name, ticks) in totals.OrderByDescending(p => p.Value).Take(12))
                Log($"  {Ms(ticks),7:F3} ms  {name}");
        }
    }
}
if (options.OpsTrace)
{
    OpCounter.Trace.ForEach(Log);
}
var blockOps = OpsOf(options.Block);
var handles = TensorHandles(() => Step(RandomIds(1)));
long? opsTotal = ops?.All.Values.Sum();
Log(ops is not { } o ? "ops per step: not available (libtorch lacks the RecordFunction exports)"
    : $"ops per step: {opsTotal} dispatched, {o.TopLevel} called directly (block of {options.Block}: {blockOps!.Value.All.Values.Sum()} / "
        + $"{blockOps!.Value.TopLevel}); tensor handles per step: {handles}");
if (options.OpsDetail && ops is not null)
{
    foreach (var (name, count) in ops.Value.All.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
    {
        Log($"  {count,5} {name}");
    }
}

double bandwidth = MemoryBandwidth.Measure(options.Threads);
double weightMegabytes = ((CausalLanguageModel)model).WeightBytes / 1e6;
double limitMs = weightMegabytes / bandwidth;
double bestOneToken = steps.Where(s => (int)s["block"] == 1).Min(s => (double)s["min_ms"]);
Log($"prefill of 512 tokens: {prefill512:F1} ms (best)");
Log($"memory: {bandwidth:F1} GB/s streaming read ({options.Threads} threads); weights {weightMegabytes:F1} MB, so a step cannot take less than {limitMs:F2} "
    + $"ms; best one-token step {bestOneToken:F2} ms = {bestOneToken / limitMs:F2}x that");
if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["shape"] = shapeName,
        ["runtime"] = "disd",
        ["dtype"] = options.DType.ToString().ToLowerInvariant(),
        ["threads"] = torch.get_num_threads(),
        ["steps"] = steps,
        ["ops_per_step"] = opsTotal,
        ["top_level_ops_per_step"] = ops?.TopLevel,
        ["ops_per_block"] = blockOps?.All.Values.Sum(),
        ["tensor_handles_per_step"] = handles,
        ["bandwidth_gb_s"] = Math.Round(bandwidth, 2),
        ["weights_mb"] = Math.Round(weightMegabytes, 1),
        ["memory_limit_ms"] = Math.Round(limitMs, 3),
        ["prefill_512_ms"] = Math.Round(prefill512, 1),
    }));
}
else
{
    Console.WriteLine($"{shapeName}, {options.DType}, {torch.get_num_threads()} threads: ops per step {opsTotal?.ToString() ?? "n/a"}");
    Console.WriteLine("| block | position | min ms | median ms |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var step in steps)
    {
        Console.WriteLine($"| {step["block"]} | {step["position"]} | {step["min_ms"]} | {step["median_ms"]} |");
    }
}
return 0;

static long TensorHandles(Action run)
{
    var statistics = DisposeScopeManager.Statistics;
    long before = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
    run();
    return statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount - before;
}

static void Log(string line) => Console.Error.WriteLine(line);
