using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Bench.Decoding;

/// <summary>Where the benchmark's target and drafter come from (synthetic now; checkpoints later).</summary>
public interface IModelSource
{
    string Description { get; }

    (ICausalLanguageModel Target, ICausalLanguageModel Drafter) Load(Device device);

    /// <summary>Prompt token ids valid for the loaded vocabulary.</summary>
    IReadOnlyList<int> Prompt { get; }
}
