using Spectre.Console;

namespace DISD.Cli;

/// <summary>
/// Progress of a counted job on stderr: a Spectre.Console bar when stderr is a terminal, otherwise a plain line every
/// few seconds and at the end (so logs and CI output stay readable).
/// </summary>
public static class CliProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    public static T Run<T>(string label, int total, Func<IProgress<int>, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(new PlainProgress(label, total));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: total);
                return work(new TaskProgress(task));
            });
    }

    /// <summary>Reports from any thread; counts only go up.</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<int>
    {
        private readonly Lock _gate = new();

        public void Report(int value)
        {
            lock (_gate)
            {
                task.Value = Math.Max(task.Value, value);
            }
        }
    }

    private sealed class PlainProgress(string label, int total) : IProgress<int>
    {
        private readonly Lock _gate = new();
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _lastLine = TimeSpan.Zero;
        private int _done;

        public void Report(int value)
        {
            lock (_gate)
            {
                if (value <= _done)
                {
                    return;
                }

                _done = value;
                var now = _clock.Elapsed;
                if (value >= total || now - _lastLine >= PlainInterval)
                {
                    _lastLine = now;
                    Console.Error.WriteLine($"{label}: {value}/{total} ({now.TotalSeconds:F1} s)");
                }
            }
        }
    }
}
