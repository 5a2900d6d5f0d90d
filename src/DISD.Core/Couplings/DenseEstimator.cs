using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// The protocols as deployed, batched as tensor ops on <see cref="Device"/> (CPU or CUDA), with a
/// <see cref="torch.Generator"/> seeded from the call's seed:
/// <list type="bullet">
/// <item>Gumbel: one public uniform h_i per token per retry; a = argmin −log(h)/p, b = argmin −log(h)/q, in float32
/// (the probabilities are rounded to float32; masses below ~1e-45 become 0 and are never chosen, and argmin ties between
/// equal float32 keys go to the lower index). Retries are processed in chunks of at most
/// <see cref="GumbelChunkElements"/> uniforms (two float32 buffers ≈ 256 MB at most).</item>
/// <item>Weighted MinHash: darts thrown in batches of <see cref="DartsPerBatch"/> per retry, in float64: the column by
/// searchsorted on the cumulative sum of max(p, q) (computed once per call), the height uniform in [0, max); a (b) is
/// the first dart with height ≤ p (≤ q). Rows whose batch holds no accepted dart for a side get another batch.</item>
/// </list>
/// One host read-back per chunk.
/// </summary>
public sealed class DenseEstimator : IAgreementEstimator, IDisposable
{
    public const long GumbelChunkElements = 32L << 20;
    public const int DartsPerBatch = 24;
    private const int MinHashChunkRows = 1 << 14;
    private bool _disposed;

    private readonly int _dartsPerBatch;
    private readonly long _gumbelChunkElements;

    public DenseEstimator(Device device)
        : this(device, DartsPerBatch, GumbelChunkElements)
    {
    }

    /// <summary>Tests use tiny batches and chunks to exercise the multi-batch and multi-chunk paths.</summary>
    internal DenseEstimator(Device device, int dartsPerBatch, long gumbelChunkElements)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        ArgumentOutOfRangeException.ThrowIfLessThan(dartsPerBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gumbelChunkElements, 1);
        _dartsPerBatch = dartsPerBatch;
        _gumbelChunkElements = gumbelChunkElements;
    }

    public Device Device { get; }

    public AgreementEstimate Gumbel(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DistributionChecks.RequireProbabilityPair(p, q);
        RaceEstimator.RequirePositive(retries);
        using var noGrad = torch.no_grad();
        using var outer = NewDisposeScope();
        long v = p.Length;
        var pt = torch.tensor(ToFloat(p), device: Device);
        var qt = torch.tensor(ToFloat(q), device: Device);
        using var generator = new Generator(seed, Device);
        int chunkRows = (int)Math.Clamp(_gumbelChunkElements / v, 1, retries);

        long agreements = 0;
        for (int done = 0; done < retries; done += chunkRows)
        {
            using var scope = NewDisposeScope();
            int rows = Math.Min(chunkRows, retries - done);
            var exponentials = torch.rand(new long[] { rows, v }, ScalarType.Float32, Device, generator: generator);
            exponentials.log_().neg_();
            var a = exponentials.div(pt).argmin(1);
            var b = exponentials.div_(qt).argmin(1);
            agreements += a.eq(b).sum().item<long>();
        }
        return AgreementEstimate.FromCount(agreements, retries);
    }

    public AgreementEstimate WeightedMinHash(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int retries, ulong seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DistributionChecks.RequireProbabilityPair(p, q);
        RaceEstimator.RequirePositive(retries);
        using var noGrad = torch.no_grad();
        using var outer = NewDisposeScope();
        var pt = torch.tensor(p.ToArray(), device: Device);
        var qt = torch.tensor(q.ToArray(), device: Device);
        var mt = torch.maximum(pt, qt);
        var cumulative = mt.cumsum(0);
        double total = cumulative[-1].item<double>();
        using var generator = new Generator(seed, Device);

        long agreements = 0;
        for (int done = 0; done < retries; done += MinHashChunkRows)
        {
            using var scope = NewDisposeScope();
            int rows = Math.Min(MinHashChunkRows, retries - done);
            agreements += CountMinHashAgreements(rows, pt, qt, mt, cumulative, total, generator);
        }
        return AgreementEstimate.FromCount(agreements, retries);
    }

    private long CountMinHashAgreements(int rows, Tensor p, Tensor q, Tensor m, Tensor cumulative, double total, Generator generator)
    {
        Tensor? a = null, b = null, resolvedA = null, resolvedB = null;
        while (true)
        {
            var (columnA, hitA, columnB, hitB) = ThrowDarts(rows, p, q, m, cumulative, total, generator);
            if (a is null)
            {
                (a, resolvedA, b, resolvedB) = (columnA, hitA, columnB, hitB);
            }
            else
            {
                // Only rows still unresolved take this batch's first hit: earlier batches came first in dart order.
                a = torch.where(resolvedA!, a, columnA);
                b = torch.where(resolvedB!, b!, columnB);
                resolvedA = resolvedA!.logical_or(hitA);
                resolvedB = resolvedB!.logical_or(hitB);
            }
            var summary = torch.stack(new[]
            {
                a.eq(b).logical_and(resolvedA!).logical_and(resolvedB!).sum(),
                resolvedA!.logical_and(resolvedB!).logical_not().sum(),
            }).cpu();
            var counts = summary.data<long>().ToArray();
            if (counts[1] == 0)
                return counts[0];
        }
    }

    private (Tensor ColumnA, Tensor HitA, Tensor ColumnB, Tensor HitB) ThrowDarts(
        int rows, Tensor p, Tensor q, Tensor m, Tensor cumulative, double total, Generator generator)
    {
        long[] shape = { rows, _dartsPerBatch };
        using var totalMass = Scalars.Temporary(total);
        var position = torch.rand(shape, ScalarType.Float64, Device, generator: generator).mul_(totalMass);
        var column = torch.searchsorted(cumulative, position, right: true).clamp_max_(Scalars.Of(m.shape[0] - 1));
        var height = torch.rand(shape, ScalarType.Float64, Device, generator: generator).mul_(m.take(column));
        var pAt = p.take(column);
        var qAt = q.take(column);
        var acceptA = height.le(pAt).logical_and_(pAt.gt(Scalars.Of(0L)));
        var acceptB = height.le(qAt).logical_and_(qAt.gt(Scalars.Of(0L)));
        return (FirstAccepted(column, acceptA), acceptA.any(1), FirstAccepted(column, acceptB), acceptB.any(1));
    }

    private static Tensor FirstAccepted(Tensor column, Tensor accept)
    {
        // argmax returns the first maximal index, i.e. the first accepted dart (0 when none: masked by the caller).
        var first = accept.to_type(ScalarType.Int32).argmax(1, keepdim: true);
        return column.gather(1, first).squeeze(1);
    }

    private static float[] ToFloat(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = (float)values[i];
        return result;
    }

    public void Dispose() => _disposed = true;
}
