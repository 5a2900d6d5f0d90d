using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>
/// Gumbel-max coupling with public uniforms: token = argmin_i −log(u_i)/p_i = argmax_i log p_i − log(−log u_i).
/// Two parties with the same (seed, position) and different distributions get coupled samples; each marginal is
/// exactly its own distribution (up to the 2⁻³² resolution of the uniforms).
/// </summary>
public static class GumbelSampler
{
    /// <summary>
    /// Samples one token per row of <paramref name="logProbs"/> (float [V] or [R, V], log-probabilities or any
    /// logits shifted by a per-row constant); row r uses position <paramref name="firstPosition"/>+r.
    /// Returns int64 [R] (or a 0-d tensor for 1-D input) on the input's device. Zero-probability tokens (−∞) never win.
    /// </summary>
    public static Tensor Sample(Tensor logProbs, ulong seed, long firstPosition,
        RandomStream stream = RandomStream.Token)
    {
        var isVector = logProbs.dim() == 1;
        using var scope = NewDisposeScope();
        var rows = isVector ? logProbs.unsqueeze(0) : logProbs;
        RequireMatrix(rows, nameof(logProbs));
        var gumbelNoise = Noise(seed, firstPosition, (int)rows.shape[0], (int)rows.shape[1], rows.device, stream);
        var tokens = SampleWithNoise(rows, gumbelNoise);
        return (isVector ? tokens[0] : tokens).MoveToOuterDisposeScope();
    }

    /// <summary>Gumbel noise −log(−log u) of positions firstPosition … firstPosition+count−1: float64 [count, V].</summary>
    public static Tensor Noise(ulong seed, long firstPosition, int count, int vocab, Device device,
        RandomStream stream = RandomStream.Token)
    {
        var uniforms = PublicRandomness.UniformsForPositions(seed, firstPosition, count, vocab, device,
            ScalarType.Float64, stream);
        return Transform(uniforms);
    }

    /// <summary>
    /// −log(−log u) of float64 uniforms, in place: on the CPU with <see cref="PortableLog"/> (libtorch's float64 log is
    /// MKL's, whose code path depends on the CPU), elsewhere with the device's own log.
    /// </summary>
    internal static Tensor Transform(Tensor uniforms) =>
        uniforms.device_type == DeviceType.CPU && uniforms.is_contiguous()
            ? HostGumbel.TransformInPlace(uniforms)
            : uniforms.log_().neg_().log_().neg_();

    /// <summary>argmax per row of log-probabilities [R, V] plus precomputed float64 Gumbel noise [R, V]: int64 [R].</summary>
    public static Tensor SampleWithNoise(Tensor logProbs, Tensor gumbelNoise)
    {
        RequireMatrix(logProbs, nameof(logProbs));
        if (OnHost(logProbs) && OnHost(gumbelNoise) && gumbelNoise.dtype == ScalarType.Float64
            && logProbs.dtype is ScalarType.Float32 or ScalarType.Float64 && gumbelNoise.shape.SequenceEqual(logProbs.shape))
            return HostGumbel.ArgmaxWithNoise(logProbs, gumbelNoise);
        using var wide = logProbs.to_type(ScalarType.Float64);
        using var perturbed = wide.add(gumbelNoise, Scalars.One);
        return perturbed.argmax(1);
    }

    /// <summary>
    /// The <see cref="SampleWithNoise"/> token of every row of float32 log-probabilities [R, V] on the CPU (row r with the
    /// noise of position <paramref name="firstPosition"/> + r), found by <see cref="HostGumbelMax"/> without the V-sized
    /// noise and read through one pointer (indexing a row as a tensor costs more than its search at V = 262k).
    /// </summary>
    internal static unsafe long[] SampleHostRows(Tensor logProbs, ulong seed, long firstPosition,
        RandomStream stream = RandomStream.Token)
    {
        if (!OnHost(logProbs) || logProbs.dtype != ScalarType.Float32 || logProbs.dim() != 2)
            throw new ArgumentException("GumbelSampler: expected contiguous float32 CPU rows [R, V].", nameof(logProbs));
        int rows = (int)logProbs.shape[0], vocab = (int)logProbs.shape[1];
        float* data = TensorData.Float32(logProbs);
        var tokens = HostGumbelMax.SampleRows(data, rows, vocab, seed, firstPosition, stream);
        GC.KeepAlive(logProbs);
        return tokens;
    }

    private static bool OnHost(Tensor values) => values.device_type == DeviceType.CPU && values.is_contiguous();

    /// <summary>Same as <see cref="Sample"/> from probabilities p (zeros allowed).</summary>
    public static Tensor SampleFromProbabilities(Tensor probabilities, ulong seed, long firstPosition,
        RandomStream stream = RandomStream.Token)
    {
        using var logProbs = probabilities.to_type(ScalarType.Float64).log();
        return Sample(logProbs, seed, firstPosition, stream);
    }

    /// <summary>
    /// Exact probability that the Gumbel samples of p and q (same uniforms) agree:
    /// Σ_i 1 / Σ_j max(p_j/p_i, q_j/q_i), over i with p_i, q_i &gt; 0. Computed in O(V log V) per row by sorting
    /// on p/q: for j with p_j/q_j ≥ p_i/q_i the max is p_j/p_i, otherwise q_j/q_i.
    /// p, q: float [V] or [R, V] probabilities. Returns float64 [R] (0-d for vectors).
    /// </summary>
    public static Tensor Agreement(Tensor p, Tensor q)
    {
        if (p.device_type == DeviceType.CPU && q.device_type == DeviceType.CPU && p.shape.SequenceEqual(q.shape) && p.dim() is 1 or 2)
            return HostAgreement(p, q);
        return TensorAgreement(p, q);
    }

    /// <summary>
    /// <see cref="Agreement"/> on the CPU through <see cref="ExactAgreement.Gumbel"/> (a radix sort on p/q and one pass),
    /// row by row: a whole-vocabulary argsort, gathers and cumulative sums as tensors were much slower at
    /// V = 262,144 (bench/RESULTS.md). A row with a NaN or negative entry gives NaN, as the tensor form does.
    /// </summary>
    private static unsafe Tensor HostAgreement(Tensor p, Tensor q)
    {
        bool isVector = p.dim() == 1;
        long rows = isVector ? 1 : p.shape[0];
        int vocab = checked((int)p.shape[^1]);
        if (vocab == 0)
            throw new ArgumentException("GumbelSampler: p must be [V] or [R, V] with V ≥ 1.");
        if (p.dtype == ScalarType.Float32 && q.dtype == ScalarType.Float32 && p.is_contiguous() && q.is_contiguous())
            return HostAgreementOfFloats(p, q, rows, vocab, isVector);
        using var p64 = p.to_type(ScalarType.Float64).contiguous();
        using var q64 = q.to_type(ScalarType.Float64).contiguous();
        // Read in place (TorchSharp's element accessor copies a 262k row element by element).
        double* ps = TensorData.Float64(p64), qs = TensorData.Float64(q64);
        var result = new double[rows];
        for (long r = 0; r < rows; r++)
            result[r] = RowAgreement(new ReadOnlySpan<double>(ps + r * vocab, vocab), new ReadOnlySpan<double>(qs + r * vocab, vocab));
        GC.KeepAlive(p64);
        GC.KeepAlive(q64);
        return isVector ? tensor(result[0]) : tensor(result);
    }

    /// <summary>
    /// Float32 rows (a model's probabilities) widened exactly, one row at a time, into the computing thread's
    /// <see cref="ScratchArrays"/>: the same values as the float64 copy of the whole tensor, without that fresh memory.
    /// Several rows go to the workers whole (a 262k row takes about 8 ms); a row's value does not depend on the thread.
    /// </summary>
    private static unsafe Tensor HostAgreementOfFloats(Tensor p, Tensor q, long rows, int vocab, bool isVector)
    {
        float* ps = TensorData.Float32(p), qs = TensorData.Float32(q);
        var result = new double[rows];
        int parts = (int)Math.Min(rows, Environment.ProcessorCount);
        CpuWorkers.For(parts, part =>
        {
            var (first, end) = CpuWorkers.Slice((int)rows, part, parts);
            var pWide = ScratchArrays.Rent<double>(vocab, 4);
            var qWide = ScratchArrays.Rent<double>(vocab, 5);
            try
            {
                for (long r = first; r < end; r++)
                {
                    for (int i = 0; i < vocab; i++)
                    {
                        pWide[i] = ps[r * vocab + i];
                        qWide[i] = qs[r * vocab + i];
                    }
                    result[r] = RowAgreement(pWide, qWide);
                }
            }
            finally
            {
                ScratchArrays.Return(pWide, 4);
                ScratchArrays.Return(qWide, 5);
            }
        });
        GC.KeepAlive(p);
        GC.KeepAlive(q);
        return isVector ? tensor(result[0]) : tensor(result);
    }

    private static double RowAgreement(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        bool usable = DistributionChecks.IsProbabilityVector(p) && DistributionChecks.IsProbabilityVector(q);
        return usable ? ExactAgreement.Gumbel(p, q) : double.NaN;
    }

    /// <summary><see cref="Agreement"/> as tensor operations, for other devices (the work stays there).</summary>
    internal static Tensor TensorAgreement(Tensor p, Tensor q)
    {
        var isVector = p.dim() == 1;
        using var scope = NewDisposeScope();
        var pRows = (isVector ? p.unsqueeze(0) : p).to_type(ScalarType.Float64);
        var qRows = (isVector ? q.unsqueeze(0) : q).to_type(ScalarType.Float64);
        RequireMatrix(pRows, nameof(p));
        if (!pRows.shape.SequenceEqual(qRows.shape))
            throw new ArgumentException("GumbelSampler.Agreement: p and q must have the same shape.");
        var logRatio = LogRatio(pRows, qRows);
        var order = logRatio.argsort(1, descending: true);
        var pSorted = pRows.gather(1, order);
        var qSorted = qRows.gather(1, order);
        var pUpTo = pSorted.cumsum(1);
        var qAfter = qSorted.sum(1, keepdim: true).sub(qSorted.cumsum(1)).clamp_min(Scalars.Of(0.0));
        var both = pSorted.gt(Scalars.Of(0L)).logical_and(qSorted.gt(Scalars.Of(0L)));
        var denominator = pUpTo.div(pSorted).add(qAfter.div(qSorted), Scalars.One);
        var terms = denominator.reciprocal().masked_fill(both.logical_not(), Scalars.Of(0.0));
        var agreement = terms.sum(1);
        return (isVector ? agreement[0] : agreement).MoveToOuterDisposeScope();
    }

    /// <summary>log(p/q) with +∞ where only p &gt; 0 and −∞ where p = 0.</summary>
    /// <remarks>log p − log q is already +∞ where only p &gt; 0; only p = q = 0 (NaN) needs the fix.</remarks>
    private static Tensor LogRatio(Tensor p, Tensor q) =>
        p.log().sub(q.log()).masked_fill(p.eq(Scalars.Of(0L)), Scalars.NegativeInfinity);

    private static void RequireMatrix(Tensor rows, string name)
    {
        if (rows.dim() != 2 || rows.shape[1] == 0)
            throw new ArgumentException($"GumbelSampler: {name} must be [V] or [R, V] with V ≥ 1.");
    }
}
