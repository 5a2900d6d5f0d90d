using System.Runtime.Intrinsics;
using DISD.Models.Kernels;

namespace DISD.Tests.Models;

/// <summary>
/// <see cref="PortableExp"/> (attention's softmax) against <see cref="Math.Exp"/> rounded to float, its vector forms
/// against its scalar form bit for bit, and the values the softmax relies on: e⁰ = 1, a masked key's e^−∞ = 0, NaN kept.
/// </summary>
public class PortableExpTests
{
    [Fact]
    public void IsWithinTwoUlpsOfMathExpOverTheWholeDomain()
    {
        int worst = 0;
        float worstAt = 0;
        for (float x = 0; x >= PortableExp.Underflow; x -= 0.000731f)
        {
            int error = Ulps(PortableExp.Exp(x), (float)Math.Exp(x));
            if (error > worst)
                (worst, worstAt) = (error, x);
        }
        var random = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            float x = -(float)random.NextDouble() * (i % 2 == 0 ? 1f : 86f);
            int error = Ulps(PortableExp.Exp(x), (float)Math.Exp(x));
            if (error > worst)
                (worst, worstAt) = (error, x);
        }
        Assert.True(worst <= 2, $"{worst} ulps at x = {worstAt}");
    }

    [Fact]
    public void VectorFormsGiveTheScalarFormsBits()
    {
        var random = new Random(11);
        var values = new float[4_096 + 3];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 7) switch
            {
                0 => float.NegativeInfinity,
                1 => PortableExp.Underflow - (float)random.NextDouble(),
                2 => float.NaN,
                3 => 0f,
                _ => -(float)random.NextDouble() * 90f,
            };
        }
        var expected = values.Select(PortableExp.Exp).ToArray();
        var inPlace = (float[])values.Clone();
        PortableExp.ExpInPlace(inPlace);
        for (int i = 0; i + 8 <= values.Length; i += 8)
        {
            var eight = PortableExp.Exp(Vector256.Create(values, i));
            var four = PortableExp.Exp(Vector128.Create(values, i));
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i + lane]), BitConverter.SingleToInt32Bits(eight[lane]));
                if (lane < 4)
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected[i + lane]), BitConverter.SingleToInt32Bits(four[lane]));
            }
        }
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), inPlace.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void KeepsTheValuesTheSoftmaxReliesOn()
    {
        Assert.Equal(1f, PortableExp.Exp(0f));
        Assert.Equal(0f, PortableExp.Exp(float.NegativeInfinity));
        Assert.Equal(0f, PortableExp.Exp(PortableExp.Underflow - 0.01f));
        Assert.True(PortableExp.Exp(PortableExp.Underflow) > 0);
        Assert.True(float.IsNaN(PortableExp.Exp(float.NaN)));
        Assert.Equal(Vector256<float>.One, PortableExp.Exp(Vector256<float>.Zero));
        Assert.True(float.IsNaN(PortableExp.Exp(Vector256.Create(float.NaN))[3]));
    }

    private static int Ulps(float a, float b) => Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
