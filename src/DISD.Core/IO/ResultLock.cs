namespace DISD.IO;

/// <summary>
/// An advisory lock (flock) on a folder whose result folders or files disd replaces — the data folder, the image
/// folder. Writers hold it exclusively while they stage and swap results in; readers that combine several files of a
/// result (plot-coupling's tables and manifest) hold it shared, so they never see two different runs. The lock is on
/// the folder itself: no lock file is left behind, and it is released when the process ends however it ends, which
/// is how leftovers of a killed run are recognised (<see cref="StaleOutputs"/>).
/// </summary>
public sealed class ResultLock : IDisposable
{
    private readonly List<int> _descriptors;

    private ResultLock(List<int> descriptors, IReadOnlyList<string> folders)
    {
        _descriptors = descriptors;
        Folders = folders;
    }

    /// <summary>The locked folders (canonical paths).</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>Locks <paramref name="folders"/> (created if missing) exclusively, waiting for other runs; <paramref name="waiting"/> is told when it has to
    /// wait.</summary>
    public static ResultLock Exclusive(IEnumerable<string> folders, Action<string>? waiting = null) => Take(folders, Posix.LOCK_EX, waiting);

    public static ResultLock Exclusive(string folder, Action<string>? waiting = null) => Exclusive([folder], waiting);

    /// <summary>Locks <paramref name="folders"/> shared (readers), waiting for a writer to finish.</summary>
    public static ResultLock Shared(IEnumerable<string> folders, Action<string>? waiting = null) =>
        Take(folders.Where(Directory.Exists), Posix.LOCK_SH, waiting);

    private static ResultLock Take(IEnumerable<string> folders, int operation, Action<string>? waiting)
    {
        // One descriptor per distinct folder, in a fixed order: two flocks of one process on one folder would block each other.
        var canonical = folders
            .Select(folder =>
            {
                Directory.CreateDirectory(folder);
                return Posix.Canonical(folder);
            })
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var descriptors = new List<int>();
        try
        {
            foreach (var folder in canonical)
            {
                descriptors.Add(Lock(folder, operation, waiting));
            }
        }
        catch
        {
            descriptors.ForEach(fd => Posix.Close(fd));
            throw;
        }

        return new ResultLock(descriptors, canonical);
    }

    private static int Lock(string folder, int operation, Action<string>? waiting)
    {
        var fd = Posix.Open(folder, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC);
        if (fd < 0) throw new DisdException($"{folder}: cannot open the folder to lock it "
            + $"({Posix.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())})");
        if (Posix.Flock(fd, operation | Posix.LOCK_NB) == 0) return fd;
        var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        if (error == Posix.EWOULDBLOCK)
        {
            waiting?.Invoke(folder);
            int result;
            do
            {
                result = Posix.Flock(fd, operation);
                error = result == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }
            while (result != 0 && error == Posix.EINTR);

            if (result == 0) return fd;
        }

        Posix.Close(fd);
        throw new DisdException($"{folder}: cannot lock the folder against concurrent runs ({Posix.Describe(error)}); use a local folder");
    }

    public void Dispose()
    {
        foreach (var fd in _descriptors)
        {
            Posix.Close(fd);
        }

        _descriptors.Clear();
    }
}
