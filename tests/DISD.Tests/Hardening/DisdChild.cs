using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DISD.Tests.Hardening;

/// <summary>The disd executable of the test output folder run as a child process, so that it can be signalled.</summary>
internal sealed class DisdChild : IDisposable
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public DisdChild(params string[] args) : this(new Dictionary<string, string?>(), args)
    {
    }

    /// <summary>Starts disd with <paramref name="environment"/> added to (a null value: removed from) this process's.</summary>
    public DisdChild(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "disd"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("disd did not start");
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Runs disd to the end.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var child = new DisdChild(args);
        return child.Wait();
    }

    /// <summary>Runs disd to the end with <paramref name="environment"/> changed as the constructor says.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var child = new DisdChild(environment, args);
        return child.Wait();
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the exit: the code (128 + n when a signal n killed it) and the output.</summary>
    public (int ExitCode, string Stdout, string Stderr) Wait()
    {
        if (!_process.WaitForExit(Limit))
        {
            _process.Kill();
            throw new TimeoutException($"disd did not finish within {Limit.TotalSeconds} s");
        }

        return (_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the process ends; whether it held.</summary>
    public bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline) return condition();
            Thread.Sleep(1);
        }

        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the test project free of unsafe code.
    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
