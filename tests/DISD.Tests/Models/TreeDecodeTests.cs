using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Tests.Models;

/// <summary>
/// Token-tree forward passes against sequential decoding of each branch, in every model family (float32). The bound is
/// 1e-5 relative to the row's largest logit: the tree's block has other key counts and shapes than the sequential
/// decode, so float32 summation order alone moved qwen2's logits by 1.02e-5 absolute.
/// </summary>
public class TreeDecodeTests
{
    private const int PromptLength = 10;

    // A chain of 7 (deeper than the sliding window of 6), a second root, and branches off the chain.
    private static readonly int[] Parents = [-1, 0, 1, 2, 3, 4, 5, -1, 2, 8, 0, 7];

    public static TheoryData<string> AllFamilies() => new(ModelFixtures.Families);

    private static long[] Tokens(ICausalLanguageModel model) =>
        Enumerable.Range(0, Parents.Length).Select(j => (long)((j * 37 + 11) % model.VocabSize)).ToArray();

    private static List<int> PathTo(int node)
    {
        var path = new List<int>();
        for (var j = node; j >= 0; j = Parents[j])
            path.Insert(0, j);
        return path;
    }

    private static Tensor SequentialLogits(ICausalLanguageModel model, Tensor prompt, IEnumerable<long> tokens)
    {
        using var cache = model.NewCache(64);
        using var _ = model.Prefill(prompt, cache);
        using var ids = tensor(tokens.ToArray(), ScalarType.Int64);
        return model.Decode(ids, cache);
    }

    private static double Scale(Tensor logits)
    {
        using var max = logits.abs().max();
        return Math.Max(1, max.item<float>());
    }

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void TreeLogitsEqualSequentialDecodingOfEachBranch(string family)
    {
        using var model = ModelLoader.Load(ModelFixtures.GoldenDir(family), CPU, ScalarType.Float32);
        using var ids = ModelFixtures.Expected(family, "input_ids");
        using var prompt = ids.narrow(0, 0, PromptLength);
        using var cache = model.NewCache(64);
        using var __ = model.Prefill(prompt, cache);
        var tokens = Tokens(model);
        using var treeIds = tensor(tokens, ScalarType.Int64);
        using var treeLogits = model.DecodeTree(treeIds, Parents, cache);
        Assert.Equal(PromptLength + Parents.Length, cache.Length);

        for (var node = 0; node < Parents.Length; node++)
        {
            var path = PathTo(node);
            using var sequential = SequentialLogits(model, prompt, path.Select(j => tokens[j]));
            using var expected = sequential[^1];
            using var actual = treeLogits[node];
            Assert.InRange(ModelFixtures.MaxAbsDiff(actual, expected), 0, 1e-5 * Scale(expected));
        }
    }

    [Theory]
    [MemberData(nameof(AllFamilies))]
    public void KeepingAPathLeavesTheCacheOfThatBranch(string family)
    {
        using var model = ModelLoader.Load(ModelFixtures.GoldenDir(family), CPU, ScalarType.Float32);
        using var ids = ModelFixtures.Expected(family, "input_ids");
        using var prompt = ids.narrow(0, 0, PromptLength);
        using var cache = model.NewCache(64);
        using var __ = model.Prefill(prompt, cache);
        var tokens = Tokens(model);
        using var treeIds = tensor(tokens, ScalarType.Int64);
        using var ___ = model.DecodeTree(treeIds, Parents, cache);

        var path = PathTo(9);
        cache.KeepRows(PromptLength, path);
        Assert.Equal(PromptLength + path.Count, cache.Length);
        using var next = tensor(new long[] { 5, 6 }, ScalarType.Int64);
        using var afterKeep = model.Decode(next, cache);
        using var sequential = SequentialLogits(model, prompt, path.Select(j => tokens[j]).Concat([5L, 6L]));
        using var expected = sequential.narrow(0, path.Count, 2);
        Assert.InRange(ModelFixtures.MaxAbsDiff(afterKeep, expected), 0, 1e-5 * Scale(expected));
    }

    [Fact]
    public void ParentsMustPointToEarlierTokens()
    {
        using var model = ModelLoader.Load(ModelFixtures.GoldenDir("llama"), CPU, ScalarType.Float32);
        using var cache = model.NewCache(16);
        using var ids = tensor(new long[] { 1, 2 }, ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => model.DecodeTree(ids, [-1, 1], cache));
        Assert.Throws<ArgumentException>(() => model.DecodeTree(ids, [-1], cache));
    }
}
