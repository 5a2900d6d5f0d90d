namespace DISD.IO;

/// <summary>A distribution table's rows as float32 values (position t = row t), and what keeps them readable.</summary>
public sealed class Float32Table(IReadOnlyList<ReadOnlyMemory<float>> rows, int vocab, IDisposable? owner) : IDisposable
{
    public IReadOnlyList<ReadOnlyMemory<float>> Rows { get; } = rows;

    public int Positions => Rows.Count;

    public int Vocab { get; } = vocab;

    public void Dispose() => owner?.Dispose();
}
