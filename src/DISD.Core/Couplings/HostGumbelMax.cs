using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;

namespace DISD.Couplings;

/// <summary>
/// The Gumbel-max token of one row on the CPU without computing a logarithm per token: the same token as
/// argmax_i (double)log p_i + g_i with g_i = <see cref="PortableLog.Gumbel(double)"/>(u_i) over the whole
/// vocabulary (first index on ties), but g is evaluated only for the tokens that could still win.
/// <para>
/// Why that is exact: with w = 1 − u, −log u ≥ w, so g(u) = −log(−log u) ≤ −log w ≤ ln 2 · (−⌊log₂ w⌋). For
/// u = (h + ½)·2⁻³² and c = 2³² − 1 − h, w = (c + ½)·2⁻³², and ⌊log₂ w⌋ = ⌊log₂ c⌋ − 32 (−33 for c = 0). The filter
/// takes ⌊log₂ c⌋ from the biased exponent e of float(c ≫ 1): e ≤ ⌊log₂ c⌋ + 127 however the conversion rounds (and
/// e = 0 for c ≤ 1), so ln 2 · (159 − e) bounds g from above. A token
/// whose bound log p_i + ln 2 · (159 − e) stays below the best exact value found so far, minus a margin larger
/// than every float32 rounding in the test, cannot be the argmax; every other token gets its exact value. The hash of
/// every token is still computed (it is a few integer operations); the uniforms themselves never change.
/// </para>
/// </summary>
internal static unsafe class HostGumbelMax
{
    private const float Ln2 = 0.6931472f;

    /// <summary>
    /// The token for one row of log-probabilities (float32, contiguous, V entries; −∞ never wins, NaN never wins and
    /// is the caller's to reject) with the Gumbel noise of (seed, position, stream).
    /// </summary>
    /// <remarks>The row is split over the workers only while they are awake: a drafter's row comes after its
    /// log-softmax, which runs on one core for longer than the workers spin, and waking them then costs as much as
    /// the search saves (bench/RESULTS.md, "Drafting at V = 262k"). The token does not depend on the split.</remarks>
    public static long Sample(float* logProbs, int vocab, ulong seed, long position, RandomStream stream) =>
        Sample(logProbs, vocab, seed, position, stream, CpuWorkers.Awake ? HostGumbel.Parts(vocab) : 1);

    /// <summary>
    /// The tokens of <paramref name="rows"/> consecutive rows (row r at position firstPosition + r): one row splits its
    /// vocabulary over the workers, several rows go to the workers whole (one hand-off per block instead of per row).
    /// </summary>
    public static long[] SampleRows(float* logProbs, int rows, int vocab, ulong seed, long firstPosition, RandomStream stream)
    {
        var tokens = new long[rows];
        if (rows == 1)
        {
            tokens[0] = Sample(logProbs, vocab, seed, firstPosition, stream);
            return tokens;
        }
        int parts = Math.Min(rows, Environment.ProcessorCount);
        CpuWorkers.For(parts, part =>
        {
            var (first, end) = CpuWorkers.Slice(rows, part, parts);
            for (int r = first; r < end; r++)
                tokens[r] = Sample(logProbs + (long)r * vocab, vocab, seed, firstPosition + r, stream, parts: 1);
        });
        return tokens;
    }

    private static long Sample(float* logProbs, int vocab, ulong seed, long position, RandomStream stream, int parts)
    {
        var keys = PublicRandomness.PositionKeys(seed, position, stream);
        long start = FirstMaximum(logProbs, vocab);
        var seedBest = new Best(start, Exact(logProbs, keys, start));
        if (parts == 1)
            return seedBest.Better(Search(logProbs, keys, 0, vocab, seedBest)).Index;
        var bests = new Best[parts];
        CpuWorkers.For(parts, part =>
        {
            var (first, end) = CpuWorkers.Slice(vocab, part, parts);
            bests[part] = Search(logProbs, keys, first, end, seedBest);
        });
        var best = seedBest;
        foreach (var candidate in bests)
            best = best.Better(candidate);
        return best.Index;
    }

    /// <summary>The exact value of token <paramref name="index"/>: (double)log p + g(u), as the tensor path adds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Exact(float* logProbs, (uint A, uint B, uint C) keys, long index) =>
        logProbs[index] + PortableLog.Gumbel((PublicRandomness.Hash(keys, (uint)index) + 0.5) * PublicRandomness.TwoToMinus32);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Best Search(float* logProbs, (uint A, uint B, uint C) keys, int first, int end, Best best)
    {
        int i = first;
        float threshold = Threshold(best.Value);
        if (Vector256.IsHardwareAccelerated)
        {
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create((uint)first);
            var step = Vector256.Create(8u);
            var minusLn2 = Vector256.Create(-Ln2);
            for (; i + 8 <= end; i += 8, index += step)
            {
                var complement = ~PublicRandomness.Hash(keys, index);
                var floatOfHalf = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(complement, 1).AsInt32());
                var exponent = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(floatOfHalf.AsUInt32(), 23).AsInt32());
                var bound = Vector256.FusedMultiplyAdd(exponent, minusLn2, Vector256.Load(logProbs + i));
                uint mask = Vector256.GreaterThanOrEqual(bound, Vector256.Create(threshold)).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    var next = best.Better(new Best(i + lane, Exact(logProbs, keys, i + lane)));
                    if (next.Value != best.Value)
                        threshold = Threshold(next.Value);
                    best = next;
                }
            }
        }
        for (; i < end; i++)
        {
            uint complement = ~PublicRandomness.Hash(keys, (uint)i);
            float exponent = (BitConverter.SingleToUInt32Bits((int)(complement >> 1)) >> 23);
            if (MathF.FusedMultiplyAdd(exponent, -Ln2, logProbs[i]) >= threshold)
            {
                var next = best.Better(new Best(i, Exact(logProbs, keys, i)));
                if (next.Value != best.Value)
                    threshold = Threshold(next.Value);
                best = next;
            }
        }
        return best;
    }

    /// <summary>
    /// The filter keeps token i when log p_i − ln 2 · e_i ≥ this, i.e. when its bound log p_i + ln 2 · (159 − e_i)
    /// reaches the best value less a margin that covers the float32 roundings of ln 2, the product, the sum and this
    /// threshold.
    /// </summary>
    private static float Threshold(double bestValue)
    {
        if (double.IsNegativeInfinity(bestValue))
            return float.NegativeInfinity;
        double margin = 1e-3 + 1e-5 * Math.Abs(bestValue);
        return (float)(bestValue - margin - 159 * Math.Log(2));
    }

    /// <summary>
    /// The first index of the largest value: where the search starts from (any start gives the same token; a good one
    /// keeps the filter tight from the first token on). 0 when the values are all −∞ or hold a NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long FirstMaximum(float* values, int count)
    {
        float max = float.NegativeInfinity;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= count; i += 8)
                lanes = Vector256.Max(lanes, Vector256.Load(values + i));
            for (int lane = 0; lane < 8; lane++)
                max = MathF.Max(max, lanes[lane]);
        }
        for (; i < count; i++)
            max = MathF.Max(max, values[i]);
        if (!float.IsFinite(max))
            return 0;
        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var target = Vector256.Create(max);
            for (; i + 8 <= count; i += 8)
            {
                uint hits = Vector256.Equals(Vector256.Load(values + i), target).ExtractMostSignificantBits();
                if (hits != 0)
                    return i + System.Numerics.BitOperations.TrailingZeroCount(hits);
            }
        }
        for (; i < count; i++)
        {
            if (values[i] == max)
                return i;
        }
        return 0;
    }

    private readonly record struct Best(long Index, double Value)
    {
        /// <summary>The larger value; on a tie the smaller index (torch.argmax's first maximum).</summary>
        public Best Better(Best other) =>
            other.Value > Value || (other.Value == Value && other.Index < Index) ? other : this;
    }
}
