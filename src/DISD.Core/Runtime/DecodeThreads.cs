using TorchSharp;

namespace DISD.Runtime;

/// <summary>
/// A decode step or verify block on the CPU runs libtorch's own operators on one thread and spreads only its
/// projections and attention products over the requested threads (<see cref="Models.Kernels.PanelMatmul"/> and
/// <see cref="Models.Kernels.AttentionKernels"/> on <see cref="CpuWorkers"/>).
/// <para>Why: libtorch's OpenMP threads (libgomp) keep spinning after each parallel region on the very core a
/// projection's second half needs, and a decode step's operators are too small to gain from a second thread
/// (bench/RESULTS.md, "Hand-written kernels for decode steps and verify blocks").</para>
/// <para>Steps may run on several threads at once (two models, the test runner's parallel classes): libtorch's count
/// is lowered by the first step to enter and restored by the last to leave, under one lock, so an interleaving never
/// leaves it at 1 or restores it while another step runs. Each thread keeps its own projection count.</para>
/// </summary>
public static class DecodeThreads
{
    private static readonly object Gate = new();
    private static int _active;
    private static int _restore;
    [ThreadStatic] private static int _projectionThreads;

    /// <summary>The threads a projection may use: the step's count inside a CPU step, libtorch's count outside one.</summary>
    public static int ForProjections => _projectionThreads > 0 ? _projectionThreads : torch.get_num_threads();

    /// <summary>Enters a step (a no-op off the CPU, with one thread, or inside another step on this thread); dispose to leave it.</summary>
    public static Scope Enter(bool onCpu)
    {
        if (!onCpu || _projectionThreads > 0)
            return default;
        lock (Gate)
        {
            if (_active == 0)
            {
                int threads = torch.get_num_threads();
                if (threads <= 1)
                    return default;
                _restore = threads;
                torch.set_num_threads(1);
            }
            _active++;
            _projectionThreads = _restore;
        }
        return new Scope(entered: true);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly bool _entered;

        internal Scope(bool entered) => _entered = entered;

        public void Dispose()
        {
            if (!_entered)
                return;
            _projectionThreads = 0;
            lock (Gate)
            {
                if (--_active == 0)
                    torch.set_num_threads(_restore);
            }
        }
    }
}
