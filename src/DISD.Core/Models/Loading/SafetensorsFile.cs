using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Models.Loading;

/// <summary>One tensor's entry in a safetensors header; offsets are absolute file positions.</summary>
public sealed record SafetensorsEntry(string Name, string DType, ScalarType ScalarType, int ElementSize, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// A validated safetensors file (the layout the reference Rust implementation accepts) whose tensors are read one at a
/// time, straight from the file into tensor memory: the file is never held in RAM as a whole.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    public const long MaxHeaderBytes = 100_000_000;
    private const int ChunkBytes = 16 << 20;

    private readonly SafeFileHandle _handle;

    private SafetensorsFile(string path, SafeFileHandle handle, Dictionary<string, SafetensorsEntry> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Safetensors file not found: {path}", path);
        }
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var (tensors, metadata) = ReadHeader(path, handle);
            return new SafetensorsFile(path, handle, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> and returns it as <paramref name="dtype"/> (default: as stored) on
    /// <paramref name="device"/> (default: CPU). Host memory used: the tensor as stored, nothing more.
    /// </summary>
    public Tensor Read(string name, ScalarType? dtype = null, Device? device = null)
    {
        if (!Tensors.TryGetValue(name, out var entry))
        {
            throw new DisdException($"{Path}: no tensor named '{name}'");
        }
        var host = torch.empty(entry.Shape, entry.ScalarType);
        try
        {
            FillFromFile(entry, host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        var target = dtype ?? entry.ScalarType;
        var onDevice = device is null || device.type == DeviceType.CPU ? host : host.to(device, disposeAfter: true);
        return onDevice.dtype == target ? onDevice : onDevice.to(target, disposeAfter: true);
    }

    private void FillFromFile(SafetensorsEntry entry, Tensor host)
    {
        if (entry.ByteLength == 0)
        {
            return;
        }
        using var flat = host.view(-1);
        long elementsPerChunk = Math.Max(1, ChunkBytes / entry.ElementSize);
        long count = flat.shape[0];
        for (long first = 0; first < count; first += elementsPerChunk)
        {
            using var part = flat.narrow(0, first, Math.Min(elementsPerChunk, count - first));
            ReadExactly(part.bytes, entry.Begin + first * entry.ElementSize, entry.Name);
        }
    }

    private void ReadExactly(Span<byte> destination, long fileOffset, string tensorName) =>
        ReadExactly(_handle, destination, fileOffset, () => $"{Path}: file ended while reading tensor '{tensorName}' (was it truncated after opening?)");

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long fileOffset, Func<string> endOfFileMessage)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                throw new DisdException(endOfFileMessage());
            }
            destination = destination[read..];
            fileOffset += read;
        }
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ReadHeader(string path, SafeFileHandle handle)
    {
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw new DisdException($"{path}: {fileLength} bytes is too small for a safetensors file (the 8-byte header length is missing)");
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(handle, lengthBytes, 0, () => $"{path}: file ended inside the header length");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw new DisdException($"{path}: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        }
        if (8 + (long)headerLength > fileLength)
        {
            throw new DisdException($"{path}: header length {headerLength} runs past the end of the {fileLength}-byte file (truncated file?)");
        }
        var header = new byte[headerLength];
        ReadExactly(handle, header, 8, () => $"{path}: file ended inside the header");
        long dataStart = 8 + (long)headerLength;
        return SafetensorsHeader.Parse(path, header, dataStart, fileLength - dataStart);
    }

    public void Dispose() => _handle.Dispose();
}
