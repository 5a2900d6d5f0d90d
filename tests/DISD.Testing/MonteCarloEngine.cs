using DISD.Couplings;

namespace DISD.Testing;

/// <summary>How the Monte-Carlo agreement rates are simulated: the estimator tests run every test on each.</summary>
public enum MonteCarloEngine
{
    /// <summary>Exact lazy simulation of the joint law by an exponential race (<see cref="RaceEstimator"/>); pure C#.</summary>
    Race,

    /// <summary>The protocol as deployed, one public uniform per token per retry, as batched tensor ops (<see cref="DenseEstimator"/>).</summary>
    Dense,
}
