using DISD.IO;

namespace DISD.Tests.IO;

public sealed class DistributionTablesTests : IDisposable
{
    private const string Text = "What is a lion";
    private const string Folder = "What_is_a_lion";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void TheLocatorFindsASafetensorsTableUnderEitherNameAndTakesItsPath()
    {
        var path = _data.WriteText(Path.Combine(Folder, "gemma-2-27b-it_probs.safetensors"), "x");

        Assert.Equal(path, DistributionLocator.Resolve("google/gemma-2-27b-it", _data.Path, Text));
        Assert.Equal(path, DistributionLocator.Resolve(path, "/nonexistent", Text));
    }

    [Fact]
    public void AMissingTableNamesBothFormatsTried()
    {
        var error = Assert.Throws<DisdException>(() => DistributionLocator.Resolve("org/m", _data.Path, Text));

        Assert.Contains("org-m_probs.csv", error.Message);
        Assert.Contains("org-m_probs.safetensors", error.Message);
    }

    [Theory]
    [InlineData(null, "m_probs.csv")]
    [InlineData("", "m_probs.csv")]
    [InlineData("m_probs.csv", "m_probs.csv")]
    [InlineData("m_probs.safetensors", "m_probs.safetensors")]
    [InlineData("../elsewhere/m_probs.safetensors", "m_probs.csv")]
    [InlineData("other_probs.safetensors", "m_probs.csv")]
    public void AManifestsCsvFieldNamesTheTableOnlyWhenItIsTheModelsOwnFile(string? listed, string expected)
    {
        var model = new ManifestModel("small", "m", "/ckpt", "", "m", listed!);

        Assert.Equal(expected, DistributionTables.FileOf(model));
    }

    [Fact]
    public void AManifestOfBeforeTheCsvFieldStillReadsAndListsTheCsvTables()
    {
        var manifestPath = _data.WriteText(Path.Combine(Folder, RunManifest.FileName),
            """{"run_id":"r1","input_text":"t","models":[{"role":"large","argument":"a","path":"/p","config_sha256":"","file_id":"a"}]}""");
        var csv = _data.WriteText(Path.Combine(Folder, "a_probs.csv"), "x");
        var binary = _data.WriteText(Path.Combine(Folder, "a_probs.safetensors"), "x");

        Assert.Equal(manifestPath, RunProvenance.Of(csv).ManifestPath);
        var error = Assert.Throws<DisdException>(() => RunProvenance.Of(binary));
        Assert.Contains("is not a table of the run recorded in", error.Message);
        Assert.Contains("a_probs.csv", error.Message);
    }
}
