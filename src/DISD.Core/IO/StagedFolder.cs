namespace DISD.IO;

/// <summary>
/// Output files of one result folder that appear together or not at all: they are written into a hidden staging
/// folder next to the target and moved into the target on <see cref="Commit"/>. Disposing without committing removes
/// the staging folder, so a failed run leaves nothing behind (and the target folder is created only on commit).
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private readonly List<string> _names = [];
    private bool _committed;

    public StagedFolder(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(Target) ?? throw new DisdException($"'{target}' has no parent folder");
        StagingPath = Path.Combine(parent, $".{Path.GetFileName(Target)}.{Guid.NewGuid():N}.staging");
        Directory.CreateDirectory(StagingPath);
    }

    /// <summary>The folder the files end up in.</summary>
    public string Target { get; }

    public string StagingPath { get; }

    /// <summary>The staging path of <paramref name="fileName"/> (write it there); its final path is <see cref="FinalPath"/>.</summary>
    public string Stage(string fileName)
    {
        if (fileName != Path.GetFileName(fileName) || fileName is "" or "." or "..")
            throw new ArgumentException($"'{fileName}' is not a plain file name", nameof(fileName));
        ObjectDisposedException.ThrowIf(_committed, this);
        if (!_names.Contains(fileName, StringComparer.Ordinal)) _names.Add(fileName);
        return Path.Combine(StagingPath, fileName);
    }

    public string FinalPath(string fileName) => Path.Combine(Target, fileName);

    /// <summary>Moves every staged file into <see cref="Target"/> (replacing older files of the same name).</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        foreach (var name in _names)
        {
            var staged = Path.Combine(StagingPath, name);
            if (!File.Exists(staged)) throw new InvalidOperationException($"{name} was staged but not written");
        }

        Directory.CreateDirectory(Target);
        foreach (var name in _names)
        {
            File.Move(Path.Combine(StagingPath, name), FinalPath(name), overwrite: true);
        }

        _committed = true;
        Directory.Delete(StagingPath, recursive: true);
    }

    public void Dispose()
    {
        if (_committed || !Directory.Exists(StagingPath)) return;
        try
        {
            Directory.Delete(StagingPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the staging folder is hidden and never replaces the target.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
