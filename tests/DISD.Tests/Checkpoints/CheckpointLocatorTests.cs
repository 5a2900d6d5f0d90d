using DISD.Models.Loading;
using DISD.Tests.Tokenization;

namespace DISD.Tests.Checkpoints;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HuggingFaceEnvironmentCollection
{
    public const string Name = "Hugging Face cache environment variables";
}

[Collection(HuggingFaceEnvironmentCollection.Name)]
public sealed class CheckpointLocatorTests : IDisposable
{
    private const string RepoId = "disd-test-org/tiny-model";
    private const string CacheFolderName = "models--disd-test-org--tiny-model";
    private static readonly string[] Variables = ["HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "HOME"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly TempDir _temp = new();

    public CheckpointLocatorTests()
    {
        foreach (var variable in Variables.Where(v => v != "HOME"))
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    public void Dispose()
    {
        foreach (var (variable, value) in _saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        _temp.Dispose();
    }

    [Fact]
    public void Local_folder_with_config_is_returned_as_full_path()
    {
        _temp.Write("ckpt/config.json", "{}");
        Assert.Equal(Path.Combine(_temp.Path, "ckpt"), CheckpointLocator.Resolve(Path.Combine(_temp.Path, "ckpt")));
    }

    [Fact]
    public void Local_folder_without_config_names_the_folder()
    {
        _temp.Write("ckpt/model.safetensors", "");
        string dir = Path.Combine(_temp.Path, "ckpt");
        var error = Assert.Throws<DisdException>(() => CheckpointLocator.Resolve(dir));
        Assert.Contains(dir, error.Message);
        Assert.Contains("config.json", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Repo_id_resolves_to_the_snapshot_named_by_refs_main()
    {
        string cache = Path.Combine(_temp.Path, "hub-cache");
        WriteSnapshot(cache, "aaa111", DateTime.UtcNow.AddDays(-2));
        string newer = WriteSnapshot(cache, "bbb222", DateTime.UtcNow);
        string pinned = WriteSnapshot(cache, "ccc333", DateTime.UtcNow.AddDays(-1));
        _temp.Write(Path.Combine("hub-cache", CacheFolderName, "refs", "main"), "ccc333\n");
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);

        Assert.Equal(pinned, CheckpointLocator.Resolve(RepoId));
        Assert.NotEqual(newer, pinned);
    }

    [Fact]
    public void Without_refs_main_the_newest_snapshot_is_used()
    {
        string cache = Path.Combine(_temp.Path, "hub-cache");
        WriteSnapshot(cache, "old", DateTime.UtcNow.AddDays(-3));
        string newest = WriteSnapshot(cache, "new", DateTime.UtcNow.AddDays(-1));
        WriteSnapshot(cache, "mid", DateTime.UtcNow.AddDays(-2));
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);

        Assert.Equal(newest, CheckpointLocator.Resolve(RepoId));
    }

    [Fact]
    public void Hf_home_hub_is_used_when_hf_hub_cache_is_unset()
    {
        string home = Path.Combine(_temp.Path, "hf-home");
        string snapshot = WriteSnapshot(Path.Combine(home, "hub"), "rev1", DateTime.UtcNow);
        Environment.SetEnvironmentVariable("HF_HOME", home);

        Assert.Equal(snapshot, CheckpointLocator.Resolve(RepoId));
    }

    [Fact]
    public void Home_cache_is_the_default()
    {
        Environment.SetEnvironmentVariable("HOME", Path.Combine(_temp.Path, "home"));
        string snapshot = WriteSnapshot(Path.Combine(_temp.Path, "home", ".cache", "huggingface", "hub"), "rev1", DateTime.UtcNow);
        Assert.Equal(snapshot, CheckpointLocator.Resolve(RepoId));
    }

    [Fact]
    public void Hf_hub_cache_wins_over_hf_home()
    {
        string fromHubCache = WriteSnapshot(Path.Combine(_temp.Path, "a"), "rev1", DateTime.UtcNow);
        WriteSnapshot(Path.Combine(_temp.Path, "b", "hub"), "rev2", DateTime.UtcNow);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(_temp.Path, "a"));
        Environment.SetEnvironmentVariable("HF_HOME", Path.Combine(_temp.Path, "b"));

        Assert.Equal(fromHubCache, CheckpointLocator.Resolve(RepoId));
    }

    [Fact]
    public void Missing_model_message_lists_the_places_looked_and_how_to_download()
    {
        string cache = Path.Combine(_temp.Path, "empty-cache");
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);

        var error = Assert.Throws<DisdException>(() => CheckpointLocator.Resolve(RepoId));
        Assert.Contains(Path.GetFullPath(RepoId), error.Message);
        Assert.Contains(Path.Combine(cache, CacheFolderName, "snapshots"), error.Message);
        Assert.Contains("HF_HUB_CACHE", error.Message);
        Assert.Contains($"hf download {RepoId}", error.Message);
        Assert.Contains($"huggingface-cli download {RepoId}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Snapshot_without_config_names_the_snapshot()
    {
        string cache = Path.Combine(_temp.Path, "hub-cache");
        string snapshot = Path.Combine(cache, CacheFolderName, "snapshots", "rev1");
        _temp.Write(Path.Combine(snapshot, "tokenizer.json"), "{}");
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);

        var error = Assert.Throws<DisdException>(() => CheckpointLocator.Resolve(RepoId));
        Assert.Contains(snapshot, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void A_file_instead_of_a_folder_is_reported()
    {
        string config = _temp.Write("ckpt/config.json", "{}");
        var error = Assert.Throws<DisdException>(() => CheckpointLocator.Resolve(config));
        Assert.Contains(config, error.Message);
        Assert.Contains("folder", error.Message);
    }

    [Fact]
    public void Missing_path_that_is_no_repo_id_says_so()
    {
        string missing = Path.Combine(_temp.Path, "no", "such", "model");
        var error = Assert.Throws<DisdException>(() => CheckpointLocator.Resolve(missing));
        Assert.Contains(missing, error.Message);
    }

    private string WriteSnapshot(string cache, string revision, DateTime writtenUtc)
    {
        string snapshot = Path.Combine(cache, CacheFolderName, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");
        Directory.SetLastWriteTimeUtc(snapshot, writtenUtc);
        return snapshot;
    }
}
