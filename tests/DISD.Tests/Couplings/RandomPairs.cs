namespace DISD.Tests.Couplings;

/// <summary>Random probability pairs for the coupling tests: softmax of scaled Gaussian logits, optionally with zeros and ties.</summary>
internal static class RandomPairs
{
    public static double[] Softmax(Random random, int size, double scale)
    {
        var logits = new double[size];
        for (int i = 0; i < size; i++)
            logits[i] = scale * Gaussian(random);
        double max = logits.Max();
        var result = logits.Select(x => Math.Exp(x - max)).ToArray();
        double sum = result.Sum();
        for (int i = 0; i < size; i++)
            result[i] /= sum;
        return result;
    }

    /// <summary>A related pair: q is p with perturbed logits, so their overlap ranges widely with <paramref name="noise"/>.</summary>
    public static (double[] P, double[] Q) Related(Random random, int size, double scale, double noise)
    {
        var logits = new double[size];
        for (int i = 0; i < size; i++)
            logits[i] = scale * Gaussian(random);
        var p = Normalize(logits.Select(Math.Exp).ToArray());
        var q = Normalize(logits.Select(x => Math.Exp(x + noise * Gaussian(random))).ToArray());
        return (p, q);
    }

    /// <summary>A pair with zeros on either or both sides and exactly tied ratios p_i/q_i.</summary>
    public static (double[] P, double[] Q) WithZerosAndTies(Random random, int size)
    {
        var p = new double[size];
        var q = new double[size];
        for (int i = 0; i < size; i++)
        {
            double w = 1 + random.Next(4);
            switch (random.Next(5))
            {
                case 0: p[i] = w; break;                     // q_i = 0
                case 1: q[i] = w; break;                     // p_i = 0
                case 2: break;                               // both 0
                case 3: p[i] = w; q[i] = 2 * w; break;       // ratio 1/2 (many ties)
                default: p[i] = w; q[i] = w; break;          // ratio 1
            }
        }
        p[0] += 1;
        q[size - 1] += 1;
        return (Normalize(p), Normalize(q));
    }

    public static double[] Normalize(double[] v)
    {
        double sum = v.Sum();
        return v.Select(x => x / sum).ToArray();
    }

    public static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static IEnumerable<(double[] P, double[] Q)> Mixed(int seed, int count, int size)
    {
        var random = new Random(seed);
        for (int k = 0; k < count; k++)
        {
            yield return (k % 3) switch
            {
                0 => Related(random, size, 0.5 + 3 * random.NextDouble(), 2 * random.NextDouble()),
                1 => (Softmax(random, size, 2), Softmax(random, size, 2)),
                _ => WithZerosAndTies(random, size),
            };
        }
    }
}
