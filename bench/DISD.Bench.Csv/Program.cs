using System.Diagnostics;
using System.Globalization;
using DISD.IO;

// Writes and reads one distribution table of the size the paper's models give (32 positions × 256,000 tokens) and
// prints seconds and MB/s. Usage: disd-bench-csv [rows] [vocab] [repeats] [folder]
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
var vocab = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256_000;
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var folder = args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), $"disd-bench-csv-{Environment.ProcessId}");
Directory.CreateDirectory(folder);
var path = Path.Combine(folder, "bench_probs.csv");

var table = RandomTable(rows, vocab, seed: 1);
Console.WriteLine($"table {rows} x {vocab}, {Environment.ProcessorCount} cores, {repeats} repeats (best of)");
try
{
    var write = Best(repeats, () => DistributionCsv.Write(path, table));
    var megabytes = new FileInfo(path).Length / 1e6;
    Report("write", write, megabytes);

    var readSeconds = Best(repeats, () => DistributionCsv.Read(path));
    Report("read", readSeconds, megabytes);

    float[][] read = [];
    var readSingleSeconds = Best(repeats, () => read = DistributionCsv.ReadSingle(path));
    Report("read32", readSingleSeconds, megabytes);

    for (var r = 0; r < rows; r++)
    {
        for (var c = 0; c < vocab; c++)
        {
            if (read[r][c] != table[r][c])
            {
                throw new InvalidOperationException($"round trip differs at row {r}, column {c}");
            }
        }
    }

    Console.WriteLine("round trip exact");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static void Report(string what, double seconds, double megabytes) =>
    Console.WriteLine(FormattableString.Invariant($"{what,-6} {seconds,7:F3} s  {megabytes / seconds,7:F1} MB/s  ({megabytes:F1} MB)"));

static double Best(int repeats, Action action)
{
    var best = double.MaxValue;
    for (var i = 0; i < repeats; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        best = Math.Min(best, watch.Elapsed.TotalSeconds);
    }

    return best;
}

// Softmax of random logits in float32, like a model's output: a spread of magnitudes down to ~1e-12.
static float[][] RandomTable(int rows, int vocab, int seed)
{
    var random = new Random(seed);
    var table = new float[rows][];
    for (var r = 0; r < rows; r++)
    {
        var logits = new double[vocab];
        for (var c = 0; c < vocab; c++)
        {
            logits[c] = random.NextDouble() * 20;
        }

        var max = logits.Max();
        var sum = logits.Sum(l => Math.Exp(l - max));
        table[r] = logits.Select(l => (float)(Math.Exp(l - max) / sum)).ToArray();
    }

    return table;
}
