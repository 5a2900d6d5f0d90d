using DISD.Runtime;
using TorchSharp;

namespace DISD.Tests.Runtime;

public sealed class DeviceSelectorMessageTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void CudaWithoutCudaNamesTheLoadedBackendAndTheThreeRoutes(string value)
    {
        if (torch.cuda.is_available())
        {
            return; // the message is for machines without CUDA; on a GPU machine the selector resolves instead
        }

        var error = Assert.Throws<DisdException>(() => DeviceSelector.Resolve(value));

        Assert.Contains($"--device {value}: CUDA is not available", error.Message);
        Assert.Contains("libtorch_cpu", error.Message); // this build loads libtorch-cpu-linux-x64
        Assert.Contains("-p:TorchBackend=cuda", error.Message);
        Assert.Contains("scripts/gpu-bundle.sh", error.Message);
        Assert.Contains("scripts/disd-gpu", error.Message);
        Assert.Contains("self-built CUDA libtorch on LD_LIBRARY_PATH", error.Message);
    }

    [Fact]
    public void SpreadingOverGpusWithoutCudaFailsWithTheSameMessage()
    {
        if (torch.cuda.is_available())
        {
            return;
        }

        var error = Assert.Throws<DisdException>(() => ModelPlacement.PlanDevices([], "cuda", TorchSharp.torch.ScalarType.BFloat16, 0));

        Assert.Contains(DeviceSelector.CudaRoutes, error.Message);
    }
}
