namespace DISD.Couplings;

/// <summary>Monte-Carlo estimate of Pr[a = b]: the agreement rate over <see cref="Retries"/> independent trials.</summary>
public readonly record struct AgreementEstimate(double Rate, double StandardError, int Retries)
{
    public static AgreementEstimate FromCount(long agreements, int retries)
    {
        if (retries <= 0)
            throw new ArgumentOutOfRangeException(nameof(retries), retries, "The number of retries must be positive.");
        double rate = (double)agreements / retries;
        return new AgreementEstimate(rate, Math.Sqrt(rate * (1 - rate) / retries), retries);
    }
}
