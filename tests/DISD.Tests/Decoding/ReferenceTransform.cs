namespace DISD.Tests.Decoding;

/// <summary>
/// A plain, O(V²) reading of transformers' warpers (Temperature, TopK, TopP, MinP in that order, then softmax), in
/// float64, with the tie rule of <see cref="DISD.Decoding.SamplingTransform"/>: a tied group shares one fate.
/// </summary>
internal static class ReferenceTransform
{
    public static double[] Probabilities(double[] logits, double temperature, int? topK, double? topP, double? minP)
    {
        var v = logits.Length;
        var scaled = logits.Select(x => x / temperature).ToArray();
        var alive = Enumerable.Repeat(true, v).ToArray();
        if (topK is { } k && k < v)
        {
            var kth = scaled.OrderByDescending(x => x).ElementAt(k - 1);
            for (var i = 0; i < v; i++)
                alive[i] &= scaled[i] >= kth;
        }
        if (topP is { } p && p < 1)
        {
            var probs = Softmax(scaled, alive);
            var keep = new bool[v];
            for (var i = 0; i < v; i++)
            {
                // Mass of the strictly more probable tokens.
                var above = Enumerable.Range(0, v).Where(j => probs[j] > probs[i]).Sum(j => probs[j]);
                keep[i] = alive[i] && above < p;
            }
            alive = keep;
        }
        if (minP is { } m && m > 0)
        {
            var probs = Softmax(scaled, alive);
            var max = probs.Max();
            for (var i = 0; i < v; i++)
                alive[i] &= probs[i] >= m * max;
        }
        return Softmax(scaled, alive);
    }

    private static double[] Softmax(double[] scaled, bool[] alive)
    {
        var max = scaled.Where((_, i) => alive[i]).Max();
        var e = scaled.Select((x, i) => alive[i] ? Math.Exp(x - max) : 0).ToArray();
        var sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }
}
