using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// A step's device results read to the host in one transfer: the segments (token ids, flags, probabilities) are joined
/// as float64, which holds every token id and flag exactly, and each comes back by its own tensor, not by an offset
/// the reader has to keep in step with the writer.
/// </summary>
internal sealed class HostSegments
{
    private readonly Dictionary<Tensor, double[]> _values = new(ReferenceEqualityComparer.Instance);

    private HostSegments()
    {
    }

    /// <summary>Reads the present <paramref name="segments"/> (null ones are skipped) with one host read.</summary>
    public static HostSegments Read(params Tensor?[] segments)
    {
        var present = segments.OfType<Tensor>().ToArray();
        var host = cat(present.Select(s => s.reshape(-1).to_type(ScalarType.Float64)).ToArray(), 0).cpu().data<double>().ToArray();
        var read = new HostSegments();
        var offset = 0;
        foreach (var segment in present)
        {
            var count = checked((int)segment.numel());
            read._values[segment] = host[offset..(offset + count)];
            offset += count;
        }
        return read;
    }

    /// <summary>The values of <paramref name="segment"/>, or null when it was absent.</summary>
    public double[]? Doubles(Tensor? segment) => segment is null ? null : _values[segment];

    public long[]? Longs(Tensor? segment) => Doubles(segment)?.Select(v => (long)v).ToArray();

    public bool[]? Flags(Tensor? segment) => Doubles(segment)?.Select(v => v != 0).ToArray();

    /// <summary>Whether the one-element flag <paramref name="segment"/> is up; an absent flag counts as up.</summary>
    public bool Flag(Tensor? segment) => segment is null || _values[segment][0] != 0;
}
