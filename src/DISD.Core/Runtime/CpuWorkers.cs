using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace DISD.Runtime;

/// <summary>
/// Runs <c>body(0 … parts−1)</c> with part 0 on the calling thread and the rest on persistent worker threads, for the
/// hand-written CPU kernels (libtorch's own thread pool is not reachable from .NET). A worker spins for
/// <see cref="SpinMicroseconds"/> after each job, so the next projection of the same decode step finds it awake,
/// then sleeps: an idle process burns no core. One caller at a time uses the workers; a concurrent caller runs all
/// parts itself rather than wait. A failing part's exception reaches the caller as itself, once every part has ended.
/// </summary>
public static class CpuWorkers
{
    private const int SpinMicroseconds = 200;
    private static readonly object Gate = new();
    private static readonly object Pool = new();
    private static readonly List<Thread> Threads = [];
    private static Action<int>? _job;
    private static long _generation;
    private static int _pending;
    private static int _sleeping;
    private static Exception? _failure;
    private static long _lastJobEnd;

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> near-equal slices of [0, <paramref name="count"/>).</summary>
    public static (int Start, int End) Slice(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    /// <summary>
    /// Whether the workers are most likely still spinning after the last job, so that a job handed to them now starts
    /// at once. Once they sleep, waking one costs a thread wake-up (about 0.15 ms on the project's VM), as long as a
    /// 262k-row Gumbel search takes on one thread; small jobs then do better on the calling thread alone.
    /// </summary>
    public static bool Awake =>
        Threads.Count > 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastJobEnd)).TotalMicroseconds < SpinMicroseconds * 3 / 4;

    public static void For(int parts, Action<int> body)
    {
        if (parts <= 1 || !Monitor.TryEnter(Pool))
        {
            for (int part = 0; part < Math.Max(parts, 1); part++)
                body(part);
            return;
        }
        try
        {
            EnsureWorkers(parts - 1);
            RunOnWorkers(parts, body);
        }
        finally
        {
            Monitor.Exit(Pool);
        }
    }

    private static void RunOnWorkers(int parts, Action<int> body)
    {
        _failure = null;
        _job = part => { if (part < parts) body(part); };
        Volatile.Write(ref _pending, Threads.Count);
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleeping) > 0)
        {
            lock (Gate)
                Monitor.PulseAll(Gate);
        }
        Exception? own = null;
        try
        {
            body(0);
        }
        catch (Exception error)
        {
            own = error;
        }
        // Always wait for the workers, even after a failure: the next call must not find them on this job.
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) > 0)
            spin.SpinOnce(sleep1Threshold: -1);
        _job = null;
        Volatile.Write(ref _lastJobEnd, Stopwatch.GetTimestamp());
        if ((own ?? _failure) is { } failure)
            ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private static void EnsureWorkers(int count)
    {
        while (Threads.Count < count)
        {
            int part = Threads.Count + 1;
            long generation = Volatile.Read(ref _generation);
            var thread = new Thread(() => Work(part, generation)) { IsBackground = true, Name = $"disd-cpu-{part}" };
            Threads.Add(thread);
            thread.Start();
        }
    }

    private static void Work(int part, long seen)
    {
        while (true)
        {
            WaitForJob(seen);
            seen = Volatile.Read(ref _generation);
            try
            {
                _job!(part);
            }
            catch (Exception error)
            {
                _failure = error;
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    private static void WaitForJob(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _generation) == seen)
        {
            if (Stopwatch.GetElapsedTime(start).TotalMicroseconds < SpinMicroseconds)
            {
                Thread.SpinWait(20);
                continue;
            }
            lock (Gate)
            {
                Interlocked.Increment(ref _sleeping);
                while (Volatile.Read(ref _generation) == seen)
                    Monitor.Wait(Gate);
                Interlocked.Decrement(ref _sleeping);
            }
        }
    }
}
