using System.Diagnostics;
using DISD.Bench.Couplings;
using DISD.Couplings;
using TorchSharp;

// Times each Monte-Carlo method on its own (all positions) and, for the race engine, the whole
// CouplingExperiment.Run (both methods + exact forms + bounds). `--race-only` skips the slow dense CPU rows.
if (args.Length > 0 && args[0] == "tables")
{
    // disd-bench-couplings tables DIR [V=256000] [POSITIONS=32]: the realistic pair of bench/v262k.sh.
    RealisticTables.Write(args[1], args.Length > 3 ? int.Parse(args[3]) : 32, args.Length > 2 ? int.Parse(args[2]) : 256_000, seed: 7);
    return;
}
const int Positions = 32;
const int Retries = 20_000;
bool raceOnly = args.Contains("--race-only");
Console.WriteLine("times: wall/CPU seconds (CPU = process time over all threads)");
Console.WriteLine($"cores: {Environment.ProcessorCount}, positions: {Positions}, retries: {Retries}");

var race = new RaceEstimator();
using var dense = new DenseEstimator(torch.CPU);
Measure("warm-up", race, 4_096, positions: 8, retries: 5_000, print: false);
if (!raceOnly)
    Measure("warm-up", dense, 4_096, positions: 2, retries: 200, print: false);

Console.WriteLine($"{"engine",-12} {"V",8} {"Gumbel s",11} {"WMH s",11} {"Run s",11} {"max|z| G",9} {"max|z| W",9} {"mean DTV",9}");
Measure("Race", race, 4_096, Positions, Retries);
Measure("Race", race, 256_000, Positions, Retries);
if (!raceOnly)
    Measure("Dense (CPU)", dense, 4_096, Positions, Retries);

static void Measure(string name, IAgreementEstimator engine, int vocabulary, int positions, int retries, bool print = true)
{
    var (large, small) = SyntheticPairs.Generate(positions, vocabulary, seed: vocabulary);
    bool isRace = engine is RaceEstimator;
    var gumbel = new AgreementEstimate[positions];
    var wmh = new AgreementEstimate[positions];

    string gumbelSeconds = Timed(() => ForEach(positions, isRace, i => gumbel[i] = engine.Gumbel(large[i], small[i], retries, (ulong)i)));
    string wmhSeconds = Timed(() => ForEach(positions, isRace, i => wmh[i] = engine.WeightedMinHash(large[i], small[i], retries, (ulong)i)));
    // The dense engine's Run would only repeat the two timings above (it runs positions in order).
    string runSeconds = isRace ? Timed(() => CouplingExperiment.Run(large, small, positions, retries, engine, seed: 42)) : "-";
    if (!print)
        return;

    double maxZGumbel = Enumerable.Range(0, positions).Max(i => Z(gumbel[i], ExactAgreement.Gumbel(large[i], small[i])));
    double maxZWmh = Enumerable.Range(0, positions).Max(i => Z(wmh[i], ExactAgreement.WeightedMinHash(large[i], small[i])));
    double meanDtv = Enumerable.Range(0, positions).Average(i => TotalVariation.Distance(large[i], small[i]));
    Console.WriteLine($"{name,-12} {vocabulary,8} {gumbelSeconds,11} {wmhSeconds,11} {runSeconds,11} {maxZGumbel,9:F2} {maxZWmh,9:F2} {meanDtv,9:F3}");
}

static string Timed(Action action)
{
    double wall = Time(action);
    return $"{wall:F2}/{CpuClock.Last:F2}";
}

static double Z(AgreementEstimate estimate, double exact)
{
    double sigma = Math.Sqrt(exact * (1 - exact) / estimate.Retries);
    return sigma == 0 ? 0 : Math.Abs(estimate.Rate - exact) / sigma;
}

static void ForEach(int count, bool parallel, Action<int> body)
{
    if (parallel)
        Parallel.For(0, count, body);
    else
        for (int i = 0; i < count; i++)
            body(i);
}

// Wall-clock seconds; the process CPU seconds of each timed block are accumulated in CpuSeconds.
static double Time(Action action)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    action();
    double wall = watch.Elapsed.TotalSeconds;
    CpuClock.Last = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    return wall;
}

static class CpuClock
{
    public static double Last;
}
