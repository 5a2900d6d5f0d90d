using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// On the CPU in float32, a verify block's logits for each token equal that token's one-token decode step's, bit for
/// bit, when the projections and attention products go through the fixed-order kernels (Models/Kernels): blocks of
/// up to 16 tokens whose query heads per key/value head times tokens is at most 16 (the demo models: 3 × 5). Larger
/// blocks fall back to libtorch's attention and may differ in the last bits.
/// </summary>
public class VerifyBlockBitIdentityTests
{
    [Theory]
    [InlineData("demo large", 10, 5)]
    [InlineData("demo small", 3, 5)]
    [InlineData("demo medium", 200, 8)]
    [InlineData("golden gemma2", 9, 4)]
    [InlineData("golden gemma3", 9, 4)]
    [InlineData("golden llama", 9, 4)]
    [InlineData("golden qwen2", 9, 4)]
    public void AVerifyBlocksLogitsEqualOneTokenStepsBitForBit(string checkpoint, int promptLength, int blockLength)
    {
        var (kind, name) = (checkpoint.Split(' ')[0], checkpoint.Split(' ')[1]);
        using var model = ModelLoader.Load(kind == "demo" ? ModelFixtures.DemoModelDir(name) : ModelFixtures.GoldenDir(name), CPU, ScalarType.Float32);
        var random = new Random(promptLength);
        using var ids = tensor(Enumerable.Range(0, promptLength + blockLength).Select(_ => (long)random.Next(3, model.VocabSize)).ToArray());
        using var cache = model.NewCache(promptLength + blockLength);
        using var prompt = ids.narrow(0, 0, promptLength);
        using var _ = model.Prefill(prompt, cache);
        using var block = ids.narrow(0, promptLength, blockLength);
        using var blockLogits = model.Decode(block, cache);
        var expected = blockLogits.data<float>().ToArray();
        cache.Truncate(promptLength);
        int vocab = (int)blockLogits.shape[1];
        for (int t = 0; t < blockLength; t++)
        {
            using var token = ids.narrow(0, promptLength + t, 1);
            using var stepLogits = model.Decode(token, cache);
            Assert.Equal(expected[(t * vocab)..((t + 1) * vocab)], stepLogits.data<float>().ToArray());
        }
    }
}
