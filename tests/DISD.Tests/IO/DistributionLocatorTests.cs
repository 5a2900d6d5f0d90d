using DISD.IO;

namespace DISD.Tests.IO;

public sealed class DistributionLocatorTests : IDisposable
{
    private const string Text = "What is the Traveling Salesman Problem (TSP)?";
    private const string Folder = "What_is_the_Traveling_Salesman_Problem_(TSP)";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void FindsTheOrgPrefixedName()
    {
        var path = _data.WriteText(Path.Combine(Folder, "google-gemma-2-27b-it_probs.csv"), "x");

        Assert.Equal(path, DistributionLocator.Resolve("google/gemma-2-27b-it", _data.Path, Text));
    }

    [Fact]
    public void FindsTheOriginalGeneratorsName()
    {
        var path = _data.WriteText(Path.Combine(Folder, "gemma-2-27b-it_probs.csv"), "x");

        Assert.Equal(path, DistributionLocator.Resolve("google/gemma-2-27b-it", _data.Path, Text));
    }

    [Fact]
    public void TakesADirectPath()
    {
        var path = _data.WriteText("elsewhere/mine.csv", "x");

        Assert.Equal(path, DistributionLocator.Resolve(path, "/nonexistent", Text));
    }

    [Fact]
    public void MissingDirectPathIsNamed()
    {
        var path = _data.File("nope.csv");

        var error = Assert.Throws<DisdException>(() => DistributionLocator.Resolve(path, _data.Path, Text));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void MissingTableListsTheTriedPathsAndTheFolder()
    {
        _data.WriteText(Path.Combine(Folder, "gemma-2-2b-it_probs.csv"), "x");
        _data.WriteText(Path.Combine(Folder, "notes.txt"), "x");

        var error = Assert.Throws<DisdException>(() => DistributionLocator.Resolve("google/gemma-2-27b-it", _data.Path, Text));

        Assert.Contains(Path.Combine(_data.Path, Folder, "google-gemma-2-27b-it_probs.csv"), error.Message);
        Assert.Contains(Path.Combine(_data.Path, Folder, "gemma-2-27b-it_probs.csv"), error.Message);
        Assert.Contains("holds gemma-2-2b-it_probs.csv", error.Message);
        Assert.DoesNotContain("notes.txt", error.Message);
    }

    [Fact]
    public void MissingFolderIsSaid()
    {
        var error = Assert.Throws<DisdException>(() => DistributionLocator.Resolve("gpt2", _data.Path, "Hello there"));

        Assert.Contains(Path.Combine(_data.Path, "Hello_there", "gpt2_probs.csv"), error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}
