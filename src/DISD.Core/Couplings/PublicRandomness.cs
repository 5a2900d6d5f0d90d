using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DISD.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Couplings;

/// <summary>Independent hash streams of the public randomness; each position has one of each.</summary>
public enum RandomStream : uint
{
    /// <summary>Per-token uniforms u_{t,i} (Gumbel coupling).</summary>
    Token = 0,
    /// <summary>Dart columns for weighted MinHash.</summary>
    DartColumn = 1,
    /// <summary>Dart heights for weighted MinHash.</summary>
    DartHeight = 2,
    /// <summary>Drafter samples of standard speculative sampling.</summary>
    StandardDraft = 3,
    /// <summary>Accept/reject uniforms of standard speculative sampling (index 0 only).</summary>
    StandardAccept = 4,
    /// <summary>Residual and bonus samples of standard speculative sampling.</summary>
    StandardResidual = 5,
}

/// <summary>
/// Counter-based public randomness: every value is a hash of (seed, position, stream, index), computed with exact
/// integer tensor ops, so it is identical on every device and independent of the order in which positions are visited.
/// Per (seed, position, stream) the map index → 32-bit hash is a bijection, so uniforms of one position never tie.
/// </summary>
public static class PublicRandomness
{
    private const long Mask32 = 0xFFFFFFFFL;
    internal const uint MultiplierA = 0x7feb352d;
    internal const uint MultiplierB = 0x846ca68b;
    internal const double TwoToMinus32 = 1.0 / 4294967296.0;
    private const double TwoToMinus23 = 1.0 / 8388608.0;

    /// <summary>Uniforms u_{t,i} ∈ (0,1), i &lt; <paramref name="vocab"/>, of one position: [V].</summary>
    public static Tensor Uniforms(ulong seed, long position, int vocab, Device device,
        ScalarType dtype = ScalarType.Float64, RandomStream stream = RandomStream.Token)
    {
        using var rows = UniformsForPositions(seed, position, 1, vocab, device, dtype, stream);
        return rows[0].clone();
    }

    /// <summary>Uniforms of positions firstPosition … firstPosition+count−1: [count, V].</summary>
    public static Tensor UniformsForPositions(ulong seed, long firstPosition, int count, int vocab, Device device,
        ScalarType dtype = ScalarType.Float64, RandomStream stream = RandomStream.Token)
    {
        RequirePositive(vocab, nameof(vocab));
        RequirePositive(count, nameof(count));
        if (device.type == DeviceType.CPU && dtype == ScalarType.Float64)
        {
            RequireIndex(0, vocab);
            return HostUniforms.Rows(seed, firstPosition, count, stream, vocab);
        }
        using var scope = NewDisposeScope();
        var grid = HashGrid(seed, firstPosition, count, stream, 0, vocab, device);
        return ToUnitInterval(grid, dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Uniforms of K independent lists per position for Gumbel list sampling: [count, lists, V], where list k, token i
    /// is hash index k·V + i of the token stream. List 0 is exactly <see cref="UniformsForPositions"/>, and per position
    /// the map (k, i) → hash is a bijection, so no two uniforms of one position tie. Requires lists·V ≤ 2³².
    /// </summary>
    public static Tensor ListUniformsForPositions(ulong seed, long firstPosition, int count, int vocab, int lists,
        Device device)
    {
        RequirePositive(lists, nameof(lists));
        RequirePositive(vocab, nameof(vocab));
        var width = (long)lists * vocab;
        if (width > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(lists), lists,
                $"PublicRandomness: {lists} lists of {vocab} tokens exceed the {int.MaxValue} indices of one call.");
        using var flat = UniformsForPositions(seed, firstPosition, count, (int)width, device);
        return flat.reshape(count, lists, vocab);
    }

    /// <summary>List <paramref name="list"/> of one position's <see cref="ListUniformsForPositions"/>: float64 [V].</summary>
    public static Tensor ListUniforms(ulong seed, long position, int list, int vocab, Device device)
    {
        RequirePositive(vocab, nameof(vocab));
        if (list < 0)
            throw new ArgumentOutOfRangeException(nameof(list), list, "PublicRandomness: list must be non-negative.");
        long startIndex = (long)list * vocab;
        RequireIndex(startIndex, vocab);
        if (device.type == DeviceType.CPU)
        {
            var hashes = HostHashes(seed, position, 1, RandomStream.Token, startIndex, vocab);
            return tensor(Array.ConvertAll(hashes, UnitInterval), new long[] { vocab });
        }
        using var scope = NewDisposeScope();
        var grid = HashGrid(seed, position, 1, RandomStream.Token, startIndex, vocab, device);
        return ToUnitInterval(grid, ScalarType.Float64).reshape(vocab).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Darts <paramref name="startIndex"/> … startIndex+count−1 of one position: columns int64 uniform in [0,V) and
    /// heights float64 uniform in (0,1), from two hash streams separate from the token uniforms.
    /// </summary>
    public static (Tensor Columns, Tensor Heights) Darts(ulong seed, long position, long startIndex, int count,
        int vocab, Device device)
    {
        var (columns, heights) = DartsForPositions(seed, position, 1, startIndex, count, vocab, device);
        using (columns)
        using (heights)
            return (columns[0].clone(), heights[0].clone());
    }

    /// <summary>The same darts for <paramref name="rows"/> consecutive positions: [rows, count] each.</summary>
    public static (Tensor Columns, Tensor Heights) DartsForPositions(ulong seed, long firstPosition, int rows,
        long startIndex, int count, int vocab, Device device)
    {
        RequirePositive(vocab, nameof(vocab));
        RequirePositive(count, nameof(count));
        RequirePositive(rows, nameof(rows));
        if (device.type == DeviceType.CPU)
        {
            RequireIndex(startIndex, count);
            var shape = new long[] { rows, count };
            var hostColumns = HostHashes(seed, firstPosition, rows, RandomStream.DartColumn, startIndex, count);
            var hostHeights = HostHashes(seed, firstPosition, rows, RandomStream.DartHeight, startIndex, count);
            var columnValues = Array.ConvertAll(hostColumns, hash => (long)(((ulong)hash * (ulong)vocab) >> 32));
            return (tensor(columnValues, shape), tensor(Array.ConvertAll(hostHeights, UnitInterval), shape));
        }
        using var scope = NewDisposeScope();
        var columnHashes = HashGrid(seed, firstPosition, rows, RandomStream.DartColumn, startIndex, count, device);
        var columns = columnHashes.mul(Scalars.Of(vocab)).bitwise_right_shift(32L);
        var heightHashes = HashGrid(seed, firstPosition, rows, RandomStream.DartHeight, startIndex, count, device);
        var heights = ToUnitInterval(heightHashes, ScalarType.Float64);
        return (columns.MoveToOuterDisposeScope(), heights.MoveToOuterDisposeScope());
    }

    /// <summary>The hash of <paramref name="index"/> under a position's keys (<see cref="PositionKeys"/>).</summary>
    internal static uint Hash((uint A, uint B, uint C) keys, uint index)
    {
        var x = Mix32(index ^ keys.A);
        x = Mix32(x + keys.B);
        return Mix32(x ^ keys.C);
    }

    /// <summary><see cref="Hash((uint A, uint B, uint C), uint)"/> of 8 indices at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> Hash((uint A, uint B, uint C) keys, Vector256<uint> index)
    {
        var x = Mix32(index ^ Vector256.Create(keys.A));
        x = Mix32(x + Vector256.Create(keys.B));
        return Mix32(x ^ Vector256.Create(keys.C));
    }

    /// <summary><see cref="Mix32(uint)"/> on 8 lanes (multiplication keeps the low 32 bits, as uint's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix32(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(MultiplierA);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(MultiplierB);
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    /// <summary>lowbias32 (C. Wellons): a bijective 32-bit mix.</summary>
    internal static uint Mix32(uint x)
    {
        x ^= x >> 16;
        x *= MultiplierA;
        x ^= x >> 15;
        x *= MultiplierB;
        x ^= x >> 16;
        return x;
    }

    internal static (uint A, uint B, uint C) PositionKeys(ulong seed, long position, RandomStream stream)
    {
        var p = (ulong)position;
        var k = Mix32((uint)stream ^ 0x9E3779B9u);
        k = Mix32(k ^ (uint)(p >> 32));
        k = Mix32(k ^ (uint)p);
        k = Mix32(k ^ (uint)(seed >> 32));
        k = Mix32(k ^ (uint)seed);
        var a = k;
        var b = Mix32(a ^ 0x85EBCA6Bu);
        var c = Mix32(b ^ 0xC2B2AE35u);
        return (a, b, c);
    }

    /// <summary>Hashes of indices startIndex … startIndex+count−1 for rows consecutive positions: int64 [rows, count].</summary>
    private static Tensor HashGrid(ulong seed, long firstPosition, int rows, RandomStream stream, long startIndex,
        int count, Device device)
    {
        RequireIndex(startIndex, count);
        return device.type == DeviceType.CPU
            ? HostHashGrid(seed, firstPosition, rows, stream, startIndex, count)
            : TensorHashGrid(seed, firstPosition, rows, stream, startIndex, count, device);
    }

    /// <summary><see cref="HashGrid"/> with integer tensor ops on <paramref name="device"/> (no host work per element).</summary>
    internal static Tensor TensorHashGrid(ulong seed, long firstPosition, int rows, RandomStream stream,
        long startIndex, int count, Device device)
    {
        var keys = new long[rows * 3];
        for (var r = 0; r < rows; r++)
        {
            var (a, b, c) = PositionKeys(seed, firstPosition + r, stream);
            keys[3 * r] = a;
            keys[3 * r + 1] = b;
            keys[3 * r + 2] = c;
        }
        var keyGrid = tensor(keys, new long[] { rows, 3 }, device: device);
        var keyA = keyGrid.narrow(1, 0, 1);
        var keyB = keyGrid.narrow(1, 1, 1);
        var keyC = keyGrid.narrow(1, 2, 1);
        using var first = Scalars.Temporary(startIndex);
        using var end = Scalars.Temporary(startIndex + count);
        var index = arange(first, end, Scalars.One, ScalarType.Int64, device).unsqueeze(0);
        var x = Mix32(index.bitwise_xor(keyA));
        x = Mix32(x.add(keyB, Scalars.One).bitwise_and(Mask32));
        return Mix32(x.bitwise_xor(keyC));
    }

    /// <summary>
    /// <see cref="HashGrid"/> for the CPU with plain uint arithmetic (the same exact integers as the tensor path, far
    /// fewer tensor ops: a few hundred microseconds of per-op overhead per call otherwise).
    /// </summary>
    internal static Tensor HostHashGrid(ulong seed, long firstPosition, int rows, RandomStream stream, long startIndex,
        int count)
    {
        var hashes = HostHashes(seed, firstPosition, rows, stream, startIndex, count);
        return tensor(Array.ConvertAll(hashes, hash => (long)hash), new long[] { rows, count });
    }

    /// <summary>The 32-bit hashes of <see cref="HashGrid"/> in host memory, row-major.</summary>
    private static uint[] HostHashes(ulong seed, long firstPosition, int rows, RandomStream stream, long startIndex,
        int count)
    {
        var hashes = new uint[(long)rows * count];
        for (var r = 0; r < rows; r++)
        {
            var keys = PositionKeys(seed, firstPosition + r, stream);
            var offset = (long)r * count;
            for (var i = 0; i < count; i++)
                hashes[offset + i] = Hash(keys, (uint)(startIndex + i));
        }
        return hashes;
    }

    /// <summary>(hash + ½)·2⁻³², exact in float64 (as the tensor path's float64 conversion).</summary>
    private static double UnitInterval(uint hash) => (hash + 0.5) * TwoToMinus32;

    private static Tensor Mix32(Tensor x)
    {
        x = x.bitwise_xor(x.bitwise_right_shift(16L));
        x = MultiplyMod32(x, MultiplierA);
        x = x.bitwise_xor(x.bitwise_right_shift(15L));
        x = MultiplyMod32(x, MultiplierB);
        return x.bitwise_xor(x.bitwise_right_shift(16L));
    }

    /// <summary>
    /// (x·m) mod 2³² for 0 ≤ x &lt; 2³² without int64 overflow: split x into 16-bit halves. Masks and shifts rather
    /// than remainder/floor_divide (integer division is far slower on the CPU); every intermediate is below 2⁴⁹.
    /// </summary>
    private static Tensor MultiplyMod32(Tensor x, uint multiplier)
    {
        var low = x.bitwise_and(0xFFFFL);
        var high = x.bitwise_right_shift(16L);
        var lowProduct = low.mul(Scalars.Of((long)multiplier));
        var highProduct = high.mul(Scalars.Of((long)(multiplier & 0xFFFF))).bitwise_left_shift(16L);
        return lowProduct.add(highProduct, Scalars.One).bitwise_and(Mask32);
    }

    private static Tensor ToUnitInterval(Tensor hashes, ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => hashes.to_type(ScalarType.Float64).add(Scalars.Of(0.5), Scalars.One).mul(Scalars.Of(TwoToMinus32)),
        ScalarType.Float32 => hashes.bitwise_right_shift(9L).to_type(ScalarType.Float64).add(Scalars.Of(0.5), Scalars.One)
            .mul(Scalars.Of(TwoToMinus23))
            .to_type(ScalarType.Float32),
        _ => throw new ArgumentException($"PublicRandomness: dtype {dtype} is not supported; expected Float32 or Float64."),
    };

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"PublicRandomness: {name} must be positive.");
    }

    private static void RequireIndex(long startIndex, int count)
    {
        if (startIndex < 0 || startIndex + count > (1L << 32))
            throw new ArgumentOutOfRangeException(nameof(startIndex), startIndex,
                "PublicRandomness: hash indices must lie in [0, 2^32).");
    }
}
