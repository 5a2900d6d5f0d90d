using DISD.Batch;
using DISD.Plotting;

namespace DISD.Tests.Batch;

public class ShardSpecTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 10)]
    [InlineData(4, 3)]
    [InlineData(16, 100)]
    public void TheShardsCoverEveryPromptExactlyOnceAndDifferInSizeByAtMostOne(int count, int prompts)
    {
        var shards = Enumerable.Range(0, count).Select(i => ShardSpec.Parse($"{i}/{count}").Select(prompts)).ToList();

        Assert.Equal(Enumerable.Range(0, prompts), shards.SelectMany(s => s).Order());
        Assert.InRange(shards.Max(s => s.Count) - shards.Min(s => s.Count), 0, 1);
        Assert.All(Enumerable.Range(0, prompts), k => Assert.Contains(k, shards[k % count]));
    }

    [Theory]
    [InlineData("2/2", "must be below N = 2")]
    [InlineData("5/3", "must be below N = 3")]
    [InlineData("0/0", "at least 1")]
    [InlineData("-1/2", "is not a shard")]
    [InlineData("1", "is not a shard")]
    [InlineData("a/b", "is not a shard")]
    [InlineData("1/2/3", "is not a shard")]
    [InlineData(" 1/2", "is not a shard")]
    public void AShardOutsideTheRangeIsRefusedNamingTheOption(string text, string expected)
    {
        var e = Assert.Throws<DisdException>(() => ShardSpec.Parse(text));
        Assert.StartsWith($"--shard '{text}'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DuplicateFolderNamesNameBothLines()
    {
        var prompts = new[] { new PromptLine(0, 1, "What is a lion?"), new PromptLine(1, 3, "a cat"), new PromptLine(2, 4, "What is a lion") };

        var e = Assert.Throws<DisdException>(() => PromptsFile.FolderNames(prompts, "p.txt"));

        Assert.Contains("lines 1 and 4 both give the result folder 'What_is_a_lion'", e.Message);
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("one two three four", 9, "one two\nthree\nfour")]
    [InlineData("abcdefghijkl xy", 5, "abcde\nfghij\nkl xy")]
    public void LongTitlesAreWrappedAtSpaces(string text, int width, string expected) =>
        Assert.Equal(expected, FigureText.Wrap(text, width));

    [Fact]
    public void AVeryLongTitleIsCutAfterTheLastLineWithAnEllipsis()
    {
        var lines = FigureText.Wrap(string.Join(' ', Enumerable.Repeat("word", 100)), 20).Split('\n');

        Assert.Equal(FigureText.MaxTitleLines, lines.Length);
        Assert.All(lines, line => Assert.InRange(line.Length, 1, 20));
        Assert.EndsWith("…", lines[^1]);
    }
}
