namespace DISD.Bench.Couplings;

/// <summary>LLM-like probability rows: softmax of scaled Gaussian logits; the small model perturbs the large model's logits.</summary>
internal static class SyntheticPairs
{
    public static (List<double[]> Large, List<double[]> Small) Generate(int positions, int vocabulary, int seed)
    {
        var large = new double[positions][];
        var small = new double[positions][];
        Parallel.For(0, positions, i =>
        {
            var random = new Random(seed * 1_000_003 + i);
            double scale = 1.5 + 2.5 * (i % 5) / 4.0;   // flatter .. peaked
            double noise = 0.2 + 1.8 * (i % 7) / 6.0;    // close .. far
            var logits = new double[vocabulary];
            var perturbed = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++)
            {
                logits[v] = scale * Gaussian(random);
                perturbed[v] = logits[v] + noise * Gaussian(random);
            }
            large[i] = Softmax(logits);
            small[i] = Softmax(perturbed);
        });
        return (large.ToList(), small.ToList());
    }

    private static double[] Softmax(double[] logits)
    {
        double max = logits.Max(), sum = 0;
        var result = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
            sum += result[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++)
            result[i] /= sum;
        return result;
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
