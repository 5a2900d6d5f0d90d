namespace DISD.IO;

/// <summary>
/// An output file written to a temporary file in the same folder and renamed over the target on <see cref="Commit"/>,
/// so that readers never see a half-written file and a failed run leaves nothing behind. Disposing an uncommitted
/// instance deletes the temporary file, even when flushing it fails (a full disk); a signal deletes it too
/// (<see cref="UnfinishedOutputs"/>). The temporary name follows <see cref="StaleOutputs"/>, so a run that holds the
/// folder's <see cref="ResultLock"/> removes those of killed runs.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private FileStream? _stream;
    private bool _committed;

    private AtomicFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        TempPath = tempPath;
        _stream = stream;
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    /// <summary>The temporary file that receives the content until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>The stream to write to; valid until <see cref="Commit"/> or <see cref="Dispose"/>.</summary>
    public Stream Stream => _stream ?? throw new ObjectDisposedException(nameof(AtomicFile));

    /// <summary>Starts writing <paramref name="path"/>, creating its folder if needed.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(fullPath) ?? throw new DisdException($"'{path}' has no parent folder");
        var tempPath = StaleOutputs.WorkPath(folder, System.IO.Path.GetFileName(fullPath), StaleOutputs.TempSuffix);
        // The folder too is created under the gate: after a signal removed a staging folder, it must not come back.
        var stream = UnfinishedOutputs.Begin(tempPath, () =>
        {
            Directory.CreateDirectory(folder);
            return new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        });
        return new AtomicFile(fullPath, tempPath, stream);
    }

    /// <summary>Flushes the content and renames the temporary file over <see cref="Path"/>.</summary>
    public void Commit() => CommitAll([this]);

    /// <summary>
    /// Flushes every file, then renames them all in one step that a signal cannot split (a crash of the machine can:
    /// the renames are not one transaction). Nothing is renamed when any flush fails.
    /// </summary>
    public static void CommitAll(IReadOnlyList<AtomicFile> files)
    {
        foreach (var file in files)
        {
            file.Close();
        }

        UnfinishedOutputs.Commit(() =>
        {
            foreach (var file in files)
            {
                File.Move(file.TempPath, file.Path, overwrite: true);
                file._committed = true;
                UnfinishedOutputs.Forget(file.TempPath);
            }
        });
    }

    private void Close()
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(AtomicFile));
        // No fsync: the rename protects readers and failed runs; surviving a power cut is not worth its cost on 100 MB tables.
        stream.Flush();
        stream.Dispose();
        _stream = null;
    }

    public void Dispose()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException) when (!_committed)
        {
            // The content is discarded anyway; the write error already reached the caller from Commit or the writer.
        }
        finally
        {
            _stream = null;
            if (!_committed) UnfinishedOutputs.Delete(TempPath);
        }
    }

    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }

    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
}
