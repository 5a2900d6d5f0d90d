using DISD.Couplings;
using DISD.IO;

namespace DISD.Bench.Couplings;

/// <summary>
/// A realistic table pair for plot-coupling at the paper's vocabulary (issue 19): per position the large model's row is
/// Zipf-like (p ∝ rank^−a over a random permutation of the vocabulary, a from 1.0 to 2.0: top-token mass from about
/// 0.08 to 0.6, a long tail), and the small model's row is softmax(log p + σ·z) with Gaussian z and σ found by
/// bisection so that D_TV(p, q) runs evenly from 0 to 0.9 over the positions. Written as
/// <c>DIR/PROMPT/{large,small}_probs.{csv,safetensors}</c>, the layout plot-coupling reads.
/// </summary>
internal static class RealisticTables
{
    public static void Write(string directory, int positions, int vocabulary, int seed)
    {
        var large = new float[positions][];
        var small = new float[positions][];
        var distances = new double[positions];
        Parallel.For(0, positions, t =>
        {
            var random = new Random(seed * 1_000_003 + t);
            double exponent = 1.0 + (double)t / Math.Max(1, positions - 1);
            var logP = ZipfLog(random, vocabulary, exponent);
            var noise = new double[vocabulary];
            for (int i = 0; i < vocabulary; i++)
                noise[i] = Gaussian(random);
            double target = 0.9 * t / Math.Max(1, positions - 1);
            var p = Softmax(logP, 0, noise);
            var (q, distance) = Bisect(logP, noise, p, target);
            large[t] = ToFloat(p);
            small[t] = ToFloat(q);
            distances[t] = distance;
        });
        Directory.CreateDirectory(directory);
        foreach (var (name, rows) in new[] { ("large", large), ("small", small) })
        {
            DistributionCsv.Write(Path.Combine(directory, $"{name}_probs.csv"), rows);
            DistributionSafetensors.Write(Path.Combine(directory, $"{name}_probs.safetensors"), rows);
        }
        Console.WriteLine($"wrote {positions} positions × V = {vocabulary} to {directory}; D_TV "
            + string.Join(" ", distances.Select(d => d.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static (double[] Q, double Distance) Bisect(double[] logP, double[] noise, double[] p, double target)
    {
        double low = 0, high = 64;
        var q = p;
        double distance = 0;
        for (int step = 0; step < 50 && Math.Abs(distance - target) > 1e-4; step++)
        {
            double sigma = (low + high) / 2;
            q = Softmax(logP, sigma, noise);
            distance = TotalVariation.Distance(p, q);
            if (distance < target)
                low = sigma;
            else
                high = sigma;
        }
        return (q, distance);
    }

    private static double[] ZipfLog(Random random, int vocabulary, double exponent)
    {
        var rank = Enumerable.Range(1, vocabulary).ToArray();
        random.Shuffle(rank);
        return Array.ConvertAll(rank, r => -exponent * Math.Log(r));
    }

    private static double[] Softmax(double[] logits, double sigma, double[] noise)
    {
        var result = new double[logits.Length];
        double max = double.NegativeInfinity, sum = 0;
        for (int i = 0; i < logits.Length; i++)
            max = Math.Max(max, result[i] = logits[i] + sigma * noise[i]);
        for (int i = 0; i < logits.Length; i++)
            sum += result[i] = Math.Exp(result[i] - max);
        for (int i = 0; i < logits.Length; i++)
            result[i] /= sum;
        return result;
    }

    private static float[] ToFloat(double[] row) => Array.ConvertAll(row, v => (float)v);

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
