using DISD.Models;
using DISD.Tests.IO;
using static TorchSharp.torch;

namespace DISD.Tests.Speculate;

/// <summary>The demo trio and a random-weight copy of the small model, loaded once (float32, CPU).</summary>
public sealed class DemoTrioFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public DemoTrioFixture()
    {
        DemoModels.UseOneTorchThread();
        RandomDrafterFolder = DemoModels.RandomWeightCopy(DemoModels.Small, _temp.File("random-small"), seed: 3);
        Large = Load(DemoModels.Folder(DemoModels.Large));
        Medium = Load(DemoModels.Folder(DemoModels.Medium));
        Small = Load(DemoModels.Folder(DemoModels.Small));
        RandomSmall = Load(RandomDrafterFolder);
    }

    public string RandomDrafterFolder { get; }

    public ICausalLanguageModel Large { get; }

    public ICausalLanguageModel Medium { get; }

    public ICausalLanguageModel Small { get; }

    public ICausalLanguageModel RandomSmall { get; }

    public void Dispose()
    {
        Large.Dispose();
        Medium.Dispose();
        Small.Dispose();
        RandomSmall.Dispose();
        _temp.Dispose();
    }

    private static ICausalLanguageModel Load(string folder) => ModelLoader.Load(folder, CPU, ScalarType.Float32);
}
