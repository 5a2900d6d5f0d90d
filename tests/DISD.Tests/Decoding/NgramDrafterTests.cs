using DISD.Decoding;

namespace DISD.Tests.Decoding;

public class NgramDrafterTests
{
    [Theory]
    // The suffix "3 4" occurs earlier: propose what followed it.
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 3, 4 }, 3, 3, 1, new long[] { 5, 6, 7 })]
    // Earliest occurrence of the longest match ("2 3"), not the later "9 3" which matches only n = 1.
    [InlineData(new[] { 2, 3, 8, 9, 3, 5, 2, 3 }, 2, 2, 1, new long[] { 8, 9 })]
    // The longest match wins over an earlier shorter one: "5 6" matches at 4, "6" alone first at 1.
    [InlineData(new[] { 0, 6, 1, 2, 5, 6, 7, 5, 6 }, 2, 2, 1, new long[] { 7, 5 })]
    // Fewer than k tokens follow the match: propose what there is.
    [InlineData(new[] { 4, 1, 4 }, 5, 3, 1, new long[] { 1, 4 })]
    // No earlier occurrence of the last token: nothing.
    [InlineData(new[] { 1, 2, 3, 4 }, 4, 3, 1, new long[0])]
    // Matches shorter than --ngram-min do not count.
    [InlineData(new[] { 7, 1, 8, 9, 1 }, 2, 3, 2, new long[0])]
    // A run of one token: the earliest match of "5 5" is at 0, followed by the rest of the run.
    [InlineData(new[] { 5, 5, 5, 5 }, 4, 2, 1, new long[] { 5, 5 })]
    // k = 0 and a one-token context propose nothing.
    [InlineData(new[] { 1, 1, 1 }, 0, 2, 1, new long[0])]
    [InlineData(new[] { 1 }, 3, 2, 1, new long[0])]
    public void ProposesWhatFollowedTheLongestEarliestMatch(int[] context, int k, int maxN, int minN, long[] expected)
    {
        Assert.Equal(expected, new NgramDrafter(minN, maxN).Propose(context, k));
    }

    [Fact]
    public void RejectsAnEmptyOrInvertedRange()
    {
        Assert.StartsWith("--ngram-min (4) must not exceed --ngram-max (2)",
            Assert.Throws<ArgumentException>(() => new NgramDrafter(4, 2)).Message);
        Assert.StartsWith("--ngram-min must be ≥ 1", Assert.Throws<ArgumentException>(() => new NgramDrafter(0, 2)).Message);
    }
}
