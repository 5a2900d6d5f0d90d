using DISD.Couplings;

namespace DISD.Testing;

/// <summary>
/// Scalar references of <see cref="PublicRandomness"/>'s tensor streams that only tests check against; the library keeps
/// <see cref="PublicRandomness.HashScalar"/> and <see cref="PublicRandomness.UniformScalar"/>, which it uses itself.
/// </summary>
public static class PublicRandomnessReference
{
    private const double TwoToMinus32 = 1.0 / 4294967296.0;
    private const double TwoToMinus23 = 1.0 / 8388608.0;

    /// <summary>
    /// Scalar reference of <see cref="PublicRandomness.ListUniformsForPositions"/>: list <paramref name="list"/>, token
    /// <paramref name="index"/>.
    /// </summary>
    public static double ListUniformScalar(ulong seed, long position, int list, long index, int vocab)
        => PublicRandomness.UniformScalar(seed, position, (long)list * vocab + index);

    /// <summary>Scalar reference of <see cref="PublicRandomness.Uniforms"/> with dtype float32.</summary>
    public static float UniformScalarFloat32(ulong seed, long position, long index,
        RandomStream stream = RandomStream.Token)
        => (float)(((PublicRandomness.HashScalar(seed, position, stream, index) >> 9) + 0.5) * TwoToMinus23);

    /// <summary>Scalar reference of one dart of <see cref="PublicRandomness.Darts"/>.</summary>
    public static (long Column, double Height) DartScalar(ulong seed, long position, long index, int vocab)
    {
        var column = (long)(((ulong)PublicRandomness.HashScalar(seed, position, RandomStream.DartColumn, index) * (ulong)vocab) >> 32);
        var height = (PublicRandomness.HashScalar(seed, position, RandomStream.DartHeight, index) + 0.5) * TwoToMinus32;
        return (column, height);
    }
}
