using DISD.Couplings;

namespace DISD.Testing;

/// <summary>
/// Scalar references of <see cref="PublicRandomness"/>'s streams, one value at a time in plain uint arithmetic, that the
/// tests check the tensor and host paths against; the library itself never needs a single value.
/// </summary>
public static class PublicRandomnessReference
{
    private const double TwoToMinus32 = 1.0 / 4294967296.0;
    private const double TwoToMinus23 = 1.0 / 8388608.0;

    /// <summary>Scalar reference of the 32-bit hash behind every stream.</summary>
    public static uint HashScalar(ulong seed, long position, RandomStream stream, long index)
    {
        if (index is < 0 or >= 1L << 32)
            throw new ArgumentOutOfRangeException(nameof(index), index, "PublicRandomness: hash indices must lie in [0, 2^32).");
        return PublicRandomness.Hash(PublicRandomness.PositionKeys(seed, position, stream), (uint)index);
    }

    /// <summary>Scalar reference of <see cref="PublicRandomness.Uniforms"/> (float64).</summary>
    public static double UniformScalar(ulong seed, long position, long index, RandomStream stream = RandomStream.Token)
        => (HashScalar(seed, position, stream, index) + 0.5) * TwoToMinus32;

    /// <summary>
    /// Scalar reference of <see cref="PublicRandomness.ListUniformsForPositions"/>: list <paramref name="list"/>, token
    /// <paramref name="index"/>.
    /// </summary>
    public static double ListUniformScalar(ulong seed, long position, int list, long index, int vocab)
        => UniformScalar(seed, position, (long)list * vocab + index);

    /// <summary>Scalar reference of <see cref="PublicRandomness.Uniforms"/> with dtype float32.</summary>
    public static float UniformScalarFloat32(ulong seed, long position, long index,
        RandomStream stream = RandomStream.Token)
        => (float)(((HashScalar(seed, position, stream, index) >> 9) + 0.5) * TwoToMinus23);

    /// <summary>Scalar reference of one dart of <see cref="PublicRandomness.Darts"/>.</summary>
    public static (long Column, double Height) DartScalar(ulong seed, long position, long index, int vocab)
    {
        var column = (long)(((ulong)HashScalar(seed, position, RandomStream.DartColumn, index) * (ulong)vocab) >> 32);
        var height = (HashScalar(seed, position, RandomStream.DartHeight, index) + 0.5) * TwoToMinus32;
        return (column, height);
    }
}
