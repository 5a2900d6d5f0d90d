namespace DISD.Couplings;

/// <summary>Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on the Legendre polynomial.</summary>
internal static class GaussLegendre
{
    public static (double[] Nodes, double[] Weights) Rule(int points)
    {
        var nodes = new double[points];
        var weights = new double[points];
        for (int i = 0; i < points; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (points + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double previous = 1, current = x;
                for (int n = 2; n <= points; n++)
                {
                    double next = ((2 * n - 1) * x * current - (n - 1) * previous) / n;
                    previous = current;
                    current = next;
                }
                derivative = points * (x * current - previous) / (x * x - 1);
                double step = current / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-16)
                    break;
            }
            nodes[i] = x;
            weights[i] = 2 / ((1 - x * x) * derivative * derivative);
        }
        return (nodes, weights);
    }
}
