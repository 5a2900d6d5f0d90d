using System.Text.RegularExpressions;

namespace DISD.Models.Loading;

/// <summary>
/// Turns a model argument into a Hugging Face checkpoint folder (one holding config.json): either a local folder or
/// a repo id <c>org/name</c> already downloaded into the local Hugging Face cache. Never touches the network.
/// </summary>
public static partial class CheckpointLocator
{
    private const string ConfigFile = "config.json";

    /// <summary>The checkpoint folder (full path) that <paramref name="modelArg"/> names.</summary>
    /// <exception cref="DisdException">Neither a local folder nor a cached repo (the message lists every place looked at and
    /// how to download it), or the folder has no config.json (the message names the folder).</exception>
    public static string Resolve(string modelArg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        string localDir = Path.GetFullPath(modelArg);
        if (Directory.Exists(localDir))
        {
            return RequireConfig(localDir,
                $"Model folder {localDir} has no {ConfigFile}; expected a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer).");
        }

        if (File.Exists(localDir))
        {
            throw new DisdException($"Model '{modelArg}' is a file ({localDir}); pass the checkpoint folder that holds {ConfigFile}.");
        }

        if (!RepoIdPattern().IsMatch(modelArg))
        {
            throw new DisdException(
                $"Model '{modelArg}' not found: there is no folder {localDir}, and '{modelArg}' is not a Hugging Face repo id (org/name).");
        }

        var (hubCache, source) = HubCacheDirectory();
        string repoDir = Path.Combine(hubCache, "models--" + modelArg.Replace("/", "--", StringComparison.Ordinal));
        string? snapshot = FindSnapshot(repoDir);
        if (snapshot is null)
        {
            throw new DisdException(
                $"Model '{modelArg}' not found: no folder {localDir} and no snapshot under {Path.Combine(repoDir, "snapshots")} " +
                $"(Hugging Face cache {hubCache}, from {source}). Download it with `hf download {modelArg}` " +
                $"(or `huggingface-cli download {modelArg}`), or pass a local checkpoint folder containing {ConfigFile}.");
        }

        return RequireConfig(snapshot,
            $"Cached snapshot {snapshot} of '{modelArg}' has no {ConfigFile} (incomplete download?); run `hf download {modelArg}` again.");
    }

    /// <summary>The hub cache folder and which setting chose it, following huggingface_hub's precedence.</summary>
    public static (string Directory, string Source) HubCacheDirectory()
    {
        if (NonEmpty("HF_HUB_CACHE") is { } hubCache)
        {
            return (hubCache, "HF_HUB_CACHE");
        }

        if (NonEmpty("HUGGINGFACE_HUB_CACHE") is { } legacyHubCache)
        {
            return (legacyHubCache, "HUGGINGFACE_HUB_CACHE");
        }

        if (NonEmpty("HF_HOME") is { } hfHome)
        {
            return (Path.Combine(hfHome, "hub"), "HF_HOME/hub");
        }

        if (NonEmpty("XDG_CACHE_HOME") is { } xdgCache)
        {
            return (Path.Combine(xdgCache, "huggingface", "hub"), "XDG_CACHE_HOME/huggingface/hub");
        }

        string home = NonEmpty("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return (Path.Combine(home, ".cache", "huggingface", "hub"), "~/.cache/huggingface/hub");
    }

    /// <summary>snapshots/&lt;refs/main&gt;, else the only snapshot, else the most recently written one.</summary>
    private static string? FindSnapshot(string repoDir)
    {
        string snapshotsDir = Path.Combine(repoDir, "snapshots");
        if (!Directory.Exists(snapshotsDir))
        {
            return null;
        }

        string mainRef = Path.Combine(repoDir, "refs", "main");
        if (File.Exists(mainRef))
        {
            string revision = File.ReadAllText(mainRef).Trim();
            string pinned = Path.Combine(snapshotsDir, revision);
            if (revision.Length > 0 && Directory.Exists(pinned))
            {
                return pinned;
            }
        }

        return new DirectoryInfo(snapshotsDir).GetDirectories()
            .OrderByDescending(d => File.Exists(Path.Combine(d.FullName, ConfigFile)))
            .ThenByDescending(d => d.LastWriteTimeUtc)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.FullName)
            .FirstOrDefault();
    }

    private static string RequireConfig(string dir, string message) =>
        File.Exists(Path.Combine(dir, ConfigFile)) ? dir : throw new DisdException(message);

    private static string? NonEmpty(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9_.\-]+$")]
    private static partial Regex RepoIdPattern();
}
