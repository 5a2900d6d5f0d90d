using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// Weighted-MinHash (dart) coupling without communication: darts (column uniform in [0,V), height uniform in (0,1))
/// come from the public sequence of a position; a party takes the column of the first dart with height ≤ p_column.
/// Darts are generated on the device in batches; the result is deterministic given (seed, position, p).
/// </summary>
public sealed class WeightedMinHashSampler
{
    private const int MinDartsPerBatch = 64;

    /// <param name="dartsPerTokenPerBatch">
    /// Darts per batch as a multiple of V. A batch misses (needs another) with probability ≈ e^(−multiple).
    /// </param>
    /// <param name="maxDartsPerBatch">Cap on one batch per row (memory), whatever the vocabulary.</param>
    public WeightedMinHashSampler(int dartsPerTokenPerBatch = 8, int maxDartsPerBatch = 1 << 21)
    {
        if (dartsPerTokenPerBatch < 1)
            throw new ArgumentOutOfRangeException(nameof(dartsPerTokenPerBatch), "WeightedMinHashSampler: must be ≥ 1.");
        if (maxDartsPerBatch < MinDartsPerBatch)
            throw new ArgumentOutOfRangeException(nameof(maxDartsPerBatch),
                $"WeightedMinHashSampler: must be ≥ {MinDartsPerBatch}.");
        DartsPerTokenPerBatch = dartsPerTokenPerBatch;
        MaxDartsPerBatch = maxDartsPerBatch;
    }

    public int DartsPerTokenPerBatch { get; }

    public int MaxDartsPerBatch { get; }

    public int BatchSize(int vocab) =>
        (int)Math.Clamp((long)vocab * DartsPerTokenPerBatch, MinDartsPerBatch, MaxDartsPerBatch);

    /// <summary>
    /// First batch only, no host synchronisation: int64 [R] tokens for probabilities [R, V] (row r at position
    /// firstPosition+r), −1 where no dart of the first batch hit. <see cref="Sample"/> settles those rows.
    /// </summary>
    public Tensor SampleFirstBatch(Tensor probabilities, ulong seed, long firstPosition)
    {
        RequireMatrix(probabilities);
        using var scope = NewDisposeScope();
        var batch = BatchSize((int)probabilities.shape[1]);
        return FirstHits(probabilities, seed, firstPosition, 0, batch).MoveToOuterDisposeScope();
    }

    /// <summary>Exact samples, int64 [R] (0-d for a vector): first batch, one host read, then further batches for misses.</summary>
    public Tensor Sample(Tensor probabilities, ulong seed, long firstPosition)
    {
        var isVector = probabilities.dim() == 1;
        using var scope = NewDisposeScope();
        var rows = isVector ? probabilities.unsqueeze(0) : probabilities;
        var tokens = SampleFirstBatch(rows, seed, firstPosition);
        var host = tokens.cpu().data<long>().ToArray();
        for (var r = 0; r < host.Length; r++)
        {
            if (host[r] < 0)
                host[r] = SampleRow(rows[r], seed, firstPosition + r, BatchSize((int)rows.shape[1]));
        }
        var settled = tensor(host, ScalarType.Int64, rows.device);
        return (isVector ? settled[0] : settled).MoveToOuterDisposeScope();
    }

    /// <summary>Exact sample of one row of probabilities [V] at <paramref name="position"/>; one host read per batch.</summary>
    public long SampleRow(Tensor probabilities, ulong seed, long position) =>
        SampleRow(probabilities, seed, position, 0);

    /// <summary>
    /// Exact probability that the dart samples of p and q agree. Ignoring darts that miss both, each dart lands
    /// under min(p,q) (weight m = Σ min), under p only, or under q only (weight 1 − m each), total Σ max = 2 − m.
    /// Under min: both take it. Under p only: p takes column c with probability (p_c − q_c)⁺/(1 − m), while q takes
    /// a later, independent dart, so agrees with probability q_c; symmetrically for q only. Hence
    /// P(agree) = (Σ min + Σ_c (max_c − min_c)·min_c) / Σ max. Returns float64 [R] (0-d for vectors).
    /// </summary>
    public static Tensor Agreement(Tensor p, Tensor q)
    {
        using var scope = NewDisposeScope();
        var p64 = p.to_type(ScalarType.Float64);
        var q64 = q.to_type(ScalarType.Float64);
        var low = minimum(p64, q64);
        var high = maximum(p64, q64);
        var numerator = low.sum(-1).add(high.sub(low).mul(low).sum(-1), Scalars.One);
        return numerator.div(high.sum(-1)).MoveToOuterDisposeScope();
    }

    private long SampleRow(Tensor probabilities, ulong seed, long position, long startIndex)
    {
        using var scope = NewDisposeScope();
        var row = probabilities.dim() == 1 ? probabilities.unsqueeze(0) : probabilities;
        RequireMatrix(row);
        var batch = BatchSize((int)row.shape[1]);
        for (var start = startIndex; ; start += batch)
        {
            if (start + batch > (1L << 32))
                throw new InvalidOperationException(
                    $"WeightedMinHashSampler: no dart hit at position {position} within 2^32 darts; is p a distribution?");
            var token = FirstHits(row, seed, position, start, batch).cpu().item<long>();
            if (token >= 0)
                return token;
        }
    }

    private static Tensor FirstHits(Tensor probabilities, ulong seed, long firstPosition, long startIndex, int count)
    {
        var rows = (int)probabilities.shape[0];
        var vocab = (int)probabilities.shape[1];
        var (columns, heights) = PublicRandomness.DartsForPositions(seed, firstPosition, rows, startIndex, count,
            vocab, probabilities.device);
        return FirstHits(probabilities, columns, heights);
    }

    /// <summary>Per row, the column of the first dart (columns, heights: [R, n]) under the probabilities [R, V]; −1 if none.</summary>
    internal static Tensor FirstHits(Tensor probabilities, Tensor columns, Tensor heights)
    {
        var hits = heights.le(probabilities.gather(1, columns));
        var first = hits.to_type(ScalarType.Int8).argmax(1, keepdim: true);
        var token = columns.gather(1, first).squeeze(1);
        return where(hits.any(1), token, full_like(token, Scalars.Of(-1L)));
    }

    private static void RequireMatrix(Tensor probabilities)
    {
        if (probabilities.dim() != 2 || probabilities.shape[1] == 0)
            throw new ArgumentException("WeightedMinHashSampler: probabilities must be [V] or [R, V] with V ≥ 1.");
    }
}
