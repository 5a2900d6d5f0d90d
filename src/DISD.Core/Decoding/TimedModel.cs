using System.Diagnostics;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Wraps a model and adds up the wall-clock time of its forward calls, so a run can say how its time divides between
/// the target, the drafter and everything else. Accurate on the CPU, where torch ops run synchronously; on CUDA the
/// calls return before the kernels finish, so the time shows up where the result is first read instead.
/// Does not own <paramref name="inner"/>.
/// </summary>
public sealed class TimedModel(ICausalLanguageModel inner) : ICausalLanguageModel
{
    private long _ticks;

    public double Seconds => (double)_ticks / Stopwatch.Frequency;

    public int Calls { get; private set; }

    public string Name => inner.Name;

    public int VocabSize => inner.VocabSize;

    public IReadOnlyList<int> EosTokenIds => inner.EosTokenIds;

    public Device Device => inner.Device;

    public IKvCache NewCache(int maxLength) => inner.NewCache(maxLength);

    public Tensor Prefill(Tensor ids, IKvCache cache) => Timed(() => inner.Prefill(ids, cache));

    public Tensor Decode(Tensor ids, IKvCache cache) => Timed(() => inner.Decode(ids, cache));

    public Tensor DecodeTree(Tensor ids, IReadOnlyList<int> parents, IKvCache cache) =>
        Timed(() => inner.DecodeTree(ids, parents, cache));

    public void Reset()
    {
        _ticks = 0;
        Calls = 0;
    }

    public void Dispose()
    {
    }

    private Tensor Timed(Func<Tensor> call)
    {
        var start = Stopwatch.GetTimestamp();
        var result = call();
        _ticks += Stopwatch.GetTimestamp() - start;
        Calls++;
        return result;
    }
}
