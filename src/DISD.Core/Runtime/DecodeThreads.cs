using TorchSharp;

namespace DISD.Runtime;

/// <summary>
/// A decode step or verify block on the CPU runs libtorch's own operators on one thread and spreads only its
/// projections and attention products over the requested threads (<see cref="Models.Kernels.PanelMatmul"/> and
/// <see cref="Models.Kernels.AttentionKernels"/> on <see cref="CpuWorkers"/>).
/// <para>Why: libtorch's OpenMP threads (libgomp) keep spinning after each parallel region — about 3 ms with
/// OMP_WAIT_POLICY unset (libgomp's env.c) — on the very core a projection's second half needs, and a decode step's
/// operators are too small to gain from a second thread. Measured on the 158.6M shape, 2 threads, min ms of one
/// token / a block of 5 at position 16: 25–28 / 43–48 with libtorch on 2 threads and its default wait policy,
/// 13.9–16.4 / 33–44 on 2 threads with OMP_WAIT_POLICY=PASSIVE, 13.1–13.9 / 23–27 with this scope and PASSIVE.</para>
/// </summary>
public static class DecodeThreads
{
    [ThreadStatic] private static int _projectionThreads;

    /// <summary>The threads a projection may use: the step's count inside a CPU step, libtorch's count outside one.</summary>
    public static int ForProjections => _projectionThreads > 0 ? _projectionThreads : torch.get_num_threads();

    /// <summary>Enters a step (a no-op off the CPU, with one thread, or inside another step); dispose to leave it.</summary>
    public static Scope Enter(bool onCpu)
    {
        if (!onCpu || _projectionThreads > 0)
            return default;
        int threads = torch.get_num_threads();
        if (threads <= 1)
            return default;
        _projectionThreads = threads;
        torch.set_num_threads(1);
        return new Scope(threads);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly int _restore;

        internal Scope(int restore) => _restore = restore;

        public void Dispose()
        {
            if (_restore <= 0)
                return;
            torch.set_num_threads(_restore);
            _projectionThreads = 0;
        }
    }
}
