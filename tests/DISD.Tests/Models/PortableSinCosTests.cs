using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary><see cref="PortableSinCos"/> (the rotary tables on the CPU) against <see cref="Math.Sin(double)"/> /
/// <see cref="Math.Cos(double)"/> rounded to float and against libtorch's float sin/cos.</summary>
public class PortableSinCosTests
{
    /// <summary>Rotary angles: position × frequency, positions to 2²⁰ and frequencies from 1 down to 10⁻⁶, plus small
    /// angles and exact multiples near π/2's.</summary>
    private static float[] Angles()
    {
        var random = new Random(23);
        var angles = new List<float>();
        for (int i = 0; i < 300_000; i++)
            angles.Add((float)random.Next(1 << 20) * (float)Math.Pow(10, -6 * random.NextDouble()));
        for (int i = 0; i < 20_000; i++)
            angles.Add((float)(Math.Pow(2, -30 + 30 * random.NextDouble()) * (i % 2 == 0 ? 1 : -1)));
        for (int k = -2000; k <= 2000; k++)
            angles.Add((float)(k * Math.PI / 2));
        return [.. angles];
    }

    [Fact]
    public void IsTheCorrectlyRoundedFloatWithinOneUlp()
    {
        int worst = 0, differing = 0;
        var angles = Angles();
        foreach (float x in angles)
        {
            var (sin, cos) = PortableSinCos.SinCos(x);
            int sinError = Ulps(sin, (float)Math.Sin(x)), cosError = Ulps(cos, (float)Math.Cos(x));
            worst = Math.Max(worst, Math.Max(sinError, cosError));
            differing += (sinError > 0 ? 1 : 0) + (cosError > 0 ? 1 : 0);
        }
        Assert.True(worst <= 1, $"{worst} ulps");
        Assert.True(differing <= angles.Length / 10_000, $"{differing} of {2 * angles.Length} values differ from Math's by an ulp");
    }

    [Fact]
    public void AgreesWithLibtorchWithinOneUlp()
    {
        var angles = Angles();
        using var x = tensor(angles);
        using var sin = x.sin();
        using var cos = x.cos();
        float[] sins = sin.data<float>().ToArray(), coss = cos.data<float>().ToArray();
        for (int i = 0; i < angles.Length; i++)
        {
            var (s, c) = PortableSinCos.SinCos(angles[i]);
            Assert.True(Ulps(s, sins[i]) <= 1 && Ulps(c, coss[i]) <= 1, $"x = {angles[i]}: ({s}, {c}) against libtorch's ({sins[i]}, {coss[i]})");
        }
    }

    [Fact]
    public void KeepsTheExactValues()
    {
        Assert.Equal((0f, 1f), PortableSinCos.SinCos(0f));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(PortableSinCos.SinCos(-0f).Sin));
        Assert.Equal(1e-20f, PortableSinCos.SinCos(1e-20f).Sin);
        Assert.True(float.IsNaN(PortableSinCos.SinCos(float.PositiveInfinity).Cos));
    }

    private static int Ulps(float a, float b) =>
        a == b ? 0 : Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
