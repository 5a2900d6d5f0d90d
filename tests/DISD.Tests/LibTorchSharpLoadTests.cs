using TorchSharp;

namespace DISD.Tests;

public class LibTorchSharpLoadTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var x = torch.tensor(new float[] { 3f, 1f, 2f });
        using var s = x.softmax(0);
        Assert.Equal(1L, x.argmin().item<long>());
        Assert.Equal(1.0, s.sum().item<float>(), 5);
    }
}
