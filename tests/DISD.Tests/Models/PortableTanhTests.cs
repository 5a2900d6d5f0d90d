using System.Runtime.Intrinsics;
using DISD.Models.Kernels;
using DISD.Models.Layers;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// <see cref="PortableTanh"/> (Gemma-2's soft-caps) against <see cref="Math.Tanh"/> rounded to float and against
/// libtorch's tanh, its vector forms against its scalar form bit for bit, and the values it must keep.
/// </summary>
public class PortableTanhTests
{
    [Fact]
    public void IsWithinTwoUlpsOfMathTanhOverTheWholeRange()
    {
        int worst = 0;
        float worstAt = 0;
        void Check(float x)
        {
            int error = Ulps(PortableTanh.Tanh(x), (float)Math.Tanh(x));
            if (error > worst)
                (worst, worstAt) = (error, x);
        }
        for (float x = -12f; x <= 12f; x += 0.000377f)
            Check(x);
        var random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            // Magnitudes from 2^-40 to 2^5, both signs: small arguments are where tanh x ≈ x must hold to the last bit.
            float x = (float)(Math.Pow(2, -40 + 45 * random.NextDouble()) * (random.Next(2) == 0 ? -1 : 1));
            Check(x);
        }
        Assert.True(worst <= 2, $"{worst} ulps at x = {worstAt}");
    }

    [Fact]
    public void VectorFormsGiveTheScalarFormsBits()
    {
        var random = new Random(13);
        var values = new float[4_096 + 3];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 9) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                3 => -0f,
                4 => (float)(random.NextDouble() * 1e-6),
                _ => (float)(random.NextDouble() * 40 - 20),
            };
        }
        var expected = values.Select(PortableTanh.Tanh).ToArray();
        for (int i = 0; i + 8 <= values.Length; i += 8)
        {
            var eight = PortableTanh.Tanh(Vector256.Create(values, i));
            var four = PortableTanh.Tanh(Vector128.Create(values, i));
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i + lane]), BitConverter.SingleToInt32Bits(eight[lane]));
                if (lane < 4)
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected[i + lane]), BitConverter.SingleToInt32Bits(four[lane]));
            }
        }
        var capped = (float[])values.Clone();
        PortableTanh.SoftCap(capped, 30f);
        Assert.Equal(values.Select(x => BitConverter.SingleToInt32Bits(PortableTanh.Tanh(x / 30f) * 30f)), capped.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void KeepsTheValuesATanhMust()
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(PortableTanh.Tanh(-0f)));
        Assert.Equal(0f, PortableTanh.Tanh(0f));
        Assert.Equal(1f, PortableTanh.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, PortableTanh.Tanh(float.NegativeInfinity));
        Assert.Equal(1e-30f, PortableTanh.Tanh(1e-30f));
        Assert.Equal(float.Epsilon, PortableTanh.Tanh(float.Epsilon));
        Assert.True(float.IsNaN(PortableTanh.Tanh(float.NaN)));
        Assert.True(float.IsNaN(PortableTanh.Tanh(Vector256.Create(float.NaN))[5]));
        for (float x = 0.01f; x < 20f; x *= 1.1f)
            Assert.Equal(-PortableTanh.Tanh(x), PortableTanh.Tanh(-x));
    }

    /// <summary>The model's soft-cap on a CPU float32 tensor is libtorch's cap·tanh(x / cap) within 3 ulps (this tanh is
    /// within 2 of the exact value, MKL's high-accuracy one within 1), and exactly the portable formula; a bfloat16
    /// tensor still goes through libtorch.</summary>
    [Fact]
    public void ModelSoftCapAgreesWithLibtorch()
    {
        var generator = new Random(17);
        var values = Enumerable.Range(0, 50_001).Select(_ => (float)(generator.NextDouble() * 200 - 100)).ToArray();
        using var x = tensor(values, [values.Length]);
        using var byLibtorch = x.div(30.0).tanh_().mul_(30.0);
        using var capped = x.clone();
        Attention.SoftCap(capped, 30.0);
        float[] expected = byLibtorch.data<float>().ToArray(), actual = capped.data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Ulps(expected[i], actual[i]) <= 3, $"x = {values[i]}: libtorch {expected[i]}, disd {actual[i]}");
            Assert.Equal(BitConverter.SingleToInt32Bits(PortableTanh.Tanh(values[i] / 30f) * 30f), BitConverter.SingleToInt32Bits(actual[i]));
        }
        using var half = x.to_type(ScalarType.BFloat16);
        using var halfByLibtorch = half.div(30.0).tanh_().mul_(30.0);
        Attention.SoftCap(half, 30.0);
        using var halfValues = half.to_type(ScalarType.Float32);
        using var halfExpected = halfByLibtorch.to_type(ScalarType.Float32);
        Assert.Equal(halfExpected.data<float>().ToArray(), halfValues.data<float>().ToArray());
    }

    private static int Ulps(float a, float b) => Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
