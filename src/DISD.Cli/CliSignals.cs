using System.Runtime.InteropServices;
using DISD.IO;

namespace DISD.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP end a run cleanly: every unfinished output (staging folders, temporary files) is
/// removed and the process exits with 128 + the signal number (130, 143, 129), as a shell reports a process killed by
/// it. A commit in progress is finished first (<see cref="UnfinishedOutputs"/>), so the result folder is the old one
/// or the new one, whole. The handler ends the process itself rather than waiting for the main thread, which may be
/// inside a long native call (model loading, a forward pass); it uses _exit, because exit()'s static destructors
/// (libtorch's) crash while another thread is still inside libtorch (a segmentation fault in 3 of 6 SIGTERMs).
/// </summary>
internal static class CliSignals
{
    private static readonly ManualResetEventSlim Cleaned = new();
    private static int _received;

    /// <summary>Installs the handlers for the life of the returned object (the process, in Program).</summary>
    public static IDisposable Install()
    {
        var registrations = new[] { (PosixSignal.SIGINT, 2, "SIGINT"), (PosixSignal.SIGTERM, 15, "SIGTERM"), (PosixSignal.SIGHUP, 1, "SIGHUP") }
            .Select(s => PosixSignalRegistration.Create(s.Item1, context => Stop(context, s.Item2, s.Item3)))
            .ToArray();
        return new Registrations(registrations);
    }

    /// <summary>
    /// The exit code of a received signal, or <paramref name="code"/> when none arrived; when one did, waits for its
    /// handler to finish removing the outputs (the main thread may get there first, failing on a removed folder).
    /// </summary>
    public static int ExitCode(int code)
    {
        var signal = Volatile.Read(ref _received);
        if (signal == 0) return code;
        Cleaned.Wait();
        return 128 + signal;
    }

    private static void Stop(PosixSignalContext context, int number, string name)
    {
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref _received, number, 0) != 0) return;
        var removed = UnfinishedOutputs.Abort();
        Console.Error.WriteLine(
            $"disd: stopped by {name}; {(removed == 0 ? "nothing was being written" : "unfinished outputs removed, earlier results kept")}");
        Cleaned.Set();
        Console.Out.Flush();
        Console.Error.Flush();
        ExitNow(128 + number);
    }

    [DllImport("libc.so.6", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
