using DISD.Runtime;
using TorchSharp;

namespace DISD.Tests.Cli;

public sealed class DeviceSelectorTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuIsTheCpu(string value) => Assert.Equal(DeviceType.CPU, DeviceSelector.Resolve(value).type);

    [Fact]
    public void AutoFollowsCudaAvailability() =>
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, DeviceSelector.Resolve("auto").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void NonDevicesAreRejected(string value)
    {
        var error = Assert.Throws<DisdException>(() => DeviceSelector.Resolve(value));
        Assert.Contains("--device", error.Message);
    }

    [Fact]
    public void CudaWithoutCudaNamesTheBackendAndTheFix()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, DeviceSelector.Resolve("cuda").type);
            Assert.Throws<DisdException>(() => DeviceSelector.Resolve($"cuda:{torch.cuda.device_count()}"));
            return;
        }

        var error = Assert.Throws<DisdException>(() => DeviceSelector.Resolve("cuda:0"));
        Assert.Contains("CUDA is not available", error.Message);
        Assert.Contains("libtorch", error.Message);
        Assert.Contains("TorchBackend=cuda", error.Message);
    }
}
