using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>Where two decodings of one prompt part ways, and how close the target's top two logits were there.</summary>
/// <param name="Position">First output position at which the token lists differ.</param>
/// <param name="TopLogitMargin">Target's top-1 minus top-2 raw logit at that position, given the common prefix.</param>
public sealed record Divergence(int Position, int First, int Second, double TopLogitMargin)
{
    /// <summary>Null when the lists are equal; a shorter list that is a prefix of the other differs at its end (token −1).</summary>
    public static Divergence? Find(ICausalLanguageModel target, IReadOnlyList<int> prompt, IReadOnlyList<int> first,
        IReadOnlyList<int> second)
    {
        var position = 0;
        while (position < first.Count && position < second.Count && first[position] == second[position])
            position++;
        if (position == first.Count && position == second.Count)
            return null;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var context = prompt.Concat(first.Take(position)).ToList();
        using var cache = target.NewCache(context.Count + 1);
        var logits = target.Prefill(PromptTensors.ToDevice(context, target.Device), cache);
        var top = logits[-1].to_type(ScalarType.Float64).topk(Math.Min(2, (int)logits.shape[1])).values.cpu().data<double>().ToArray();
        var margin = top.Length > 1 ? top[0] - top[1] : double.PositiveInfinity;
        return new Divergence(position, At(first, position), At(second, position), margin);
    }

    private static int At(IReadOnlyList<int> tokens, int position) => position < tokens.Count ? tokens[position] : -1;
}
