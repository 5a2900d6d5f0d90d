using DISD.Models.Kernels;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary><see cref="GeluTanhGate"/> (Gemma's gated MLP on the CPU) against libtorch's gelu(tanh)·up and against its
/// own scalar formula bit for bit, whatever the row's place, the inner size and the thread count.</summary>
public class GeluTanhGateTests
{
    [Theory]
    [InlineData(1, 4096, 1)]
    [InlineData(5, 517, 2)]
    [InlineData(37, 64, 3)]
    public void IsLibtorchsGeluTimesUpAndTheSameBitsOnEveryPath(int rows, int inner, int threads)
    {
        var generator = new Random(rows + inner);
        var values = Enumerable.Range(0, rows * 2 * inner).Select(_ => (float)(generator.NextDouble() * 16 - 8)).ToArray();
        using var both = tensor(values, [rows, 2 * inner]);
        using var gated = GeluTanhGate.Apply(both, threads);
        using var gate = both.narrow(1, 0, inner);
        using var up = both.narrow(1, inner, inner);
        using var byLibtorch = gate.gelu(TorchSharp.Modules.GELU.Approximate.tanh).mul_(up);
        float[] actual = gated.data<float>().ToArray(), expected = byLibtorch.contiguous().data<float>().ToArray();
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < inner; i++)
            {
                float x = values[r * 2 * inner + i], u = values[r * 2 * inner + inner + i], a = actual[r * inner + i];
                Assert.Equal(BitConverter.SingleToInt32Bits(GeluTanhGate.Gated(x, u)), BitConverter.SingleToInt32Bits(a));
                // A few float32 roundings of x·up: the tanh differs from libtorch's by up to 2 ulps, and 1 + tanh cancels
                // where x is very negative, so the bound is on the scale of x·up rather than of the result.
                Assert.True(Math.Abs(a - expected[r * inner + i]) <= 4e-7 * Math.Abs(x * u) + 1e-30,
                    $"[{r}, {i}]: gelu({x})·{u} = {expected[r * inner + i]} by libtorch, {a} here");
            }
        }
    }
}
