using System.Buffers;
using System.IO.MemoryMappedFiles;
using DISD.Models.Loading;

namespace DISD.IO;

/// <summary>
/// A safetensors distribution table read in place: the file is mapped and each row is a view of its float32 values
/// (little-endian, as the format stores them), so a large table costs no copy and no fresh memory — the pages are the
/// operating system's file cache. Every row is validated on opening, as <see cref="DistributionSafetensors.ReadSingle"/>
/// does. Rows stay valid until the table is disposed.
/// </summary>
internal sealed unsafe class MappedDistributionTable(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* data, int positions,
    int vocab) : IDisposable
{
    public int Positions => positions;

    public int Vocab => vocab;

    /// <summary>Maps <paramref name="path"/> and checks every row; errors name the file, row and problem.</summary>
    public static MappedDistributionTable Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("MappedDistributionTable: safetensors floats are little-endian.");
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new DisdException($"{path}: file not found");
        SafetensorsEntry entry;
        try
        {
            using var header = SafetensorsFile.Open(path);
            entry = DistributionSafetensors.TableEntry(path, header);
        }
        catch (IOException e)
        {
            throw new DisdException($"{path}: cannot read: {e.Message}", e);
        }
        int positions = (int)entry.Shape[0], vocab = (int)entry.Shape[1];
        long rowBytes = (long)vocab * sizeof(float), length;
        using (var handle = File.OpenHandle(path))
            length = RandomAccess.GetLength(handle);
        if (length < entry.Begin + positions * rowBytes)
            throw new DisdException($"{path}: file ended inside row {(length - entry.Begin) / rowBytes + 1} (truncated while being read?)");
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        var table = new MappedDistributionTable(file, view, start + view.PointerOffset + entry.Begin, positions, vocab);
        try
        {
            table.Validate(path);
            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    /// <summary>Row <paramref name="t"/> (position t) as the floats the file holds.</summary>
    public ReadOnlyMemory<float> Row(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, Positions);
        return new RowMemory((float*)data + (long)t * Vocab, Vocab).Memory;
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }

    private void Validate(string path)
    {
        var errors = new DisdException?[Positions];
        Parallel.For(0, Positions, t =>
        {
            try
            {
                DistributionSafetensors.CheckRow(path, t, new ReadOnlySpan<float>((float*)data + (long)t * Vocab, Vocab));
            }
            catch (DisdException e)
            {
                errors[t] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
            throw first;
    }

    /// <summary>A view of mapped floats as <see cref="Memory{T}"/>; the table owns the mapping.</summary>
    private sealed class RowMemory(float* start, int length) : MemoryManager<float>
    {
        public override Span<float> GetSpan() => new(start, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(start + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
