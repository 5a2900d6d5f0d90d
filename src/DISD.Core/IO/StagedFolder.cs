namespace DISD.IO;

/// <summary>
/// A result folder that is replaced as a whole or not at all. The constructor takes the exclusive
/// <see cref="ResultLock"/> of the parent folder (waiting for another run writing there), removes the work files of
/// killed runs (<see cref="StaleOutputs"/>) and creates a hidden staging folder beside the target; the files are
/// written there, and <see cref="Commit"/> swaps the staging folder with the target (<see cref="FolderSwap"/>) and
/// deletes the old one, so that no file of an earlier run is left beside this run's files. Disposing without
/// committing removes the staging folder; a signal removes it too (<see cref="UnfinishedOutputs"/>). The lock is held
/// until the commit or the disposal.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private readonly List<string> _names = [];
    private readonly ResultLock _lock;
    private bool _committed;

    /// <param name="waiting">Told the folder's name when another run holds the lock.</param>
    public StagedFolder(string target, Action<string>? waiting = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(Target) ?? throw new DisdException($"'{target}' has no parent folder");
        if (File.Exists(Target)) throw new IOException($"{Target} is a file; expected a result folder (move the file away)");
        _lock = ResultLock.Exclusive(parent, waiting);
        try
        {
            StaleOutputs.Remove(parent);
            StagingPath = StaleOutputs.WorkPath(parent, Path.GetFileName(Target), StaleOutputs.StagingSuffix);
            UnfinishedOutputs.Begin(StagingPath, () => Directory.CreateDirectory(StagingPath));
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
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

    /// <summary>Replaces <see cref="Target"/> with the staged files, all of them at once, and releases the lock.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        foreach (var name in _names)
        {
            var staged = Path.Combine(StagingPath, name);
            if (!File.Exists(staged)) throw new InvalidOperationException($"{name} was staged but not written");
        }

        string? old = null;
        UnfinishedOutputs.Commit(() =>
        {
            old = FolderSwap.Replace(StagingPath, Target);
            _committed = true;
            if (old != StagingPath) UnfinishedOutputs.Forget(StagingPath);
        });
        if (old is not null) UnfinishedOutputs.Delete(old);
        _lock.Dispose();
    }

    public void Dispose()
    {
        if (!_committed) UnfinishedOutputs.Delete(StagingPath);
        _lock.Dispose();
    }
}
