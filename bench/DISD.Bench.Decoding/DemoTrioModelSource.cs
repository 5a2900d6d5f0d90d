using DISD.Models;
using DISD.Tokenization;
using static TorchSharp.torch;

namespace DISD.Bench.Decoding;

/// <summary>
/// The demo checkpoints in the source tree's models/ folder: target gemma2-wordnet-large, drafter
/// gemma2-wordnet-<paramref name="Drafter"/> (small or medium), float32.
/// </summary>
public sealed record DemoTrioModelSource(string Drafter) : IModelSource
{
    private const string PromptText = "What is a sorting algorithm?";

    public string Description => $"demo trio: target gemma2-wordnet-large, drafter gemma2-wordnet-{Drafter}, prompt \"{PromptText}\"";

    public IReadOnlyList<int> Prompt { get; } = TextTokenizer.Load(Folder("large")).Encode(PromptText);

    public (ICausalLanguageModel Target, ICausalLanguageModel Drafter) Load(Device device)
    {
        var target = ModelLoader.Load(Folder("large"), device, ScalarType.Float32);
        return (target, ModelLoader.Load(Folder(Drafter), device, ScalarType.Float32));
    }

    private static string Folder(string size)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
                return Path.Combine(dir.FullName, "models", $"gemma2-wordnet-{size}");
        }
        throw new DirectoryNotFoundException($"No DISD.sln above {AppContext.BaseDirectory}; run the benchmark from the source tree.");
    }
}
