using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

internal static class PromptTensors
{
    public static void Require(IReadOnlyList<int> prompt)
    {
        if (prompt.Count == 0)
            throw new ArgumentException("Decoding: the prompt must contain at least one token (e.g. BOS).");
    }

    public static Tensor ToDevice(IEnumerable<int> ids, Device device) =>
        tensor(ids.Select(id => (long)id).ToArray(), ScalarType.Int64, device);
}
