namespace DISD.IO;

/// <summary>
/// The process-wide register of outputs being written — staging folders, temporary files, replaced folders awaiting
/// deletion — so that a signal can remove them all and stop the run with nothing half-written (<see cref="Abort"/>).
/// Creating an output, committing one (its renames) and the removal exclude each other through one gate: a signal
/// that arrives during a commit waits for it to finish, and after a signal nothing is created or committed any more.
/// </summary>
public static class UnfinishedOutputs
{
    private const int RemoveAttempts = 10;
    private static readonly object Gate = new(); // a Monitor: Commit's action may register outputs (re-entry)
    private static readonly HashSet<string> Paths = new(StringComparer.Ordinal);
    private static bool _aborted;

    /// <summary>Whether <see cref="Abort"/> has run.</summary>
    public static bool Aborted
    {
        get
        {
            lock (Gate) return _aborted;
        }
    }

    /// <summary>The outputs registered now (for tests and diagnostics).</summary>
    public static IReadOnlyList<string> Registered
    {
        get
        {
            lock (Gate) return Paths.ToList();
        }
    }

    /// <summary>Registers <paramref name="path"/>, then runs <paramref name="create"/>, which creates it.</summary>
    /// <exception cref="OperationCanceledException">The run is being stopped.</exception>
    internal static T Begin<T>(string path, Func<T> create)
    {
        lock (Gate)
        {
            ThrowIfAborted();
            Paths.Add(path);
            try
            {
                return create();
            }
            catch
            {
                Paths.Remove(path);
                throw;
            }
        }
    }

    /// <summary>Runs <paramref name="commit"/> (renames that publish outputs) so that a signal never interrupts it halfway.</summary>
    /// <exception cref="OperationCanceledException">The run is being stopped; nothing was committed.</exception>
    internal static void Commit(Action commit)
    {
        lock (Gate)
        {
            ThrowIfAborted();
            commit();
        }
    }

    /// <summary>Registers <paramref name="path"/> for removal by <see cref="Abort"/> (e.g. the old folder a commit swapped out).</summary>
    internal static void Add(string path)
    {
        lock (Gate) Paths.Add(path);
    }

    /// <summary>Stops tracking <paramref name="path"/> (it was committed or removed).</summary>
    internal static void Forget(string path)
    {
        lock (Gate) Paths.Remove(path);
    }

    /// <summary>Deletes <paramref name="path"/> (a file or a folder tree) and stops tracking it; false when it could not be removed.</summary>
    internal static bool Delete(string path)
    {
        var removed = Remove(path);
        if (removed) Forget(path);
        return removed;
    }

    /// <summary>Stops every later create and commit and removes every registered output; returns how many were removed.</summary>
    public static int Abort()
    {
        lock (Gate)
        {
            _aborted = true;
            var removed = Paths.Count(Remove);
            Paths.Clear();
            return removed;
        }
    }

    private static void ThrowIfAborted()
    {
        if (_aborted) throw new OperationCanceledException("the run is being stopped by a signal");
    }

    /// <summary>Best effort, retried: the writing thread may create a file in a staging folder while it is being deleted.</summary>
    private static bool Remove(string path)
    {
        for (var attempt = 0; attempt < RemoveAttempts; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }

                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        return !Directory.Exists(path) && !File.Exists(path);
    }
}
