using System.Text;
using DISD.IO;

namespace DISD.Tests.IO;

public sealed class TextSanitizerTests
{
    [Theory]
    [InlineData("What is the Traveling Salesman Problem (TSP)?", "What_is_the_Traveling_Salesman_Problem_(TSP)")]
    [InlineData("Tell me a story", "Tell_me_a_story")]
    [InlineData("Why? Why not?", "Why_Why_not")]
    [InlineData("café: naïve 😀", "café:_naïve_😀")]
    public void KeepsTheOriginalNames(string text, string expected) => Assert.Equal(expected, TextSanitizer.FolderName(text));

    [Theory]
    [InlineData("../x", ".._x")]
    [InlineData("/", "_")]
    [InlineData("/etc/passwd", "_etc_passwd")]
    [InlineData("a\\b", "a_b")]
    [InlineData("a\0b\nc\td", "a_b_c_d")]
    [InlineData("..?", null)]
    public void NeverLeavesTheFolder(string text, string? expected)
    {
        if (expected is null)
        {
            Assert.Throws<DisdException>(() => TextSanitizer.FolderName(text));
            return;
        }

        var name = TextSanitizer.FolderName(text);
        Assert.Equal(expected, name);
        var root = Path.GetFullPath("/data");
        Assert.Equal(root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(root, name))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("???")]
    [InlineData(".")]
    [InlineData("..")]
    public void RejectsNamesThatAreNotFolders(string text)
    {
        var error = Assert.Throws<DisdException>(() => TextSanitizer.FolderName(text));
        Assert.Contains("folder name", error.Message);
    }

    [Fact]
    public void LongTextsAreCutWithAHashThatKeepsThemApart()
    {
        var a = TextSanitizer.FolderName(new string('é', 300) + " a");
        var b = TextSanitizer.FolderName(new string('é', 300) + " b");

        Assert.NotEqual(a, b);
        Assert.True(Encoding.UTF8.GetByteCount(a) <= TextSanitizer.MaxFolderNameBytes);
        Assert.StartsWith(new string('é', 50), a);
    }

    [Fact]
    public void ALongPromptsFigureCarriesTheHashOfItsDataFolder()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("What is a lion and why does it roar?", 12));
        var folder = TextSanitizer.FolderName(prompt);
        var hash = folder[^12..];
        Assert.Matches("^[0-9a-f]{12}$", hash);

        var figure = TextSanitizer.PromptFileName(prompt, "", ".png");
        var pairFigure = TextSanitizer.PromptFileName(prompt, "__org-large_vs_small", ".svg");

        Assert.EndsWith($"_{hash}.png", figure);
        Assert.EndsWith($"_{hash}__org-large_vs_small.svg", pairFigure);
        Assert.True(Encoding.UTF8.GetByteCount(figure) <= TextSanitizer.MaxFolderNameBytes);
        Assert.True(Encoding.UTF8.GetByteCount(pairFigure) <= TextSanitizer.MaxFolderNameBytes);
        Assert.StartsWith("What_is_a_lion_and_why_does_it_roar", figure);
        Assert.Equal("What_is_a_lion.png", TextSanitizer.PromptFileName("What is a lion?", "", ".png"));
    }

    [Theory]
    [InlineData("google/gemma-2-27b-it", "google-gemma-2-27b-it", "gemma-2-27b-it")]
    [InlineData("gpt2", "gpt2", "gpt2")]
    [InlineData("models/gemma2-wordnet-large/", "gemma2-wordnet-large", "gemma2-wordnet-large")]
    [InlineData("no-such-folder/gemma2-wordnet-large", "no-such-folder-gemma2-wordnet-large", "gemma2-wordnet-large")]
    [InlineData("./gemma2-wordnet-small", "gemma2-wordnet-small", "gemma2-wordnet-small")]
    [InlineData("/opt/ckpt/org/model", "model", "model")]
    public void ModelIds(string modelArg, string fileId, string baseName)
    {
        Assert.Equal(fileId, TextSanitizer.ModelFileId(modelArg));
        Assert.Equal(baseName, TextSanitizer.ModelBaseName(modelArg));
    }
}
