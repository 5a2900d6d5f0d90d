using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using DISD.Models.Loading;

namespace DISD.IO;

/// <summary>
/// Distribution tables as safetensors: one float32 tensor <see cref="TensorName"/> of shape [positions, V], row t =
/// position t, holding the floats the CSV table would hold as text. Headers are parsed and checked by
/// <see cref="SafetensorsFile"/> (the checkpoint reader); the data are read row by row straight from the file, so no
/// torch tensor and no second copy of the table is made.
/// </summary>
public static class DistributionSafetensors
{
    public const string TensorName = "probs";

    /// <summary>Metadata keys of a table written by generate-distribution.</summary>
    public const string ModelKey = "model";

    /// <inheritdoc cref="ModelKey"/>
    public const string RunIdKey = "run_id";

    private const int Alignment = 8;

    /// <summary>Writes <paramref name="rows"/> (all of one width) atomically, with <paramref name="metadata"/> in the header.</summary>
    public static void Write(string path, IReadOnlyList<float[]> rows, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var vocabSize = DistributionTables.RequireRectangular(rows);

        var header = Header(rows.Count, vocabSize, metadata);
        using var file = AtomicFile.Create(path);
        var stream = file.Stream;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        var buffer = new byte[vocabSize * sizeof(float)];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(c * sizeof(float)), row[c]);
            stream.Write(buffer);
        }

        file.Commit();
    }

    /// <summary>
    /// Reads and validates a table as the doubles <see cref="DistributionCsv.Read"/> gives for its CSV: each float goes
    /// through its shortest round-trip text, as the CSV holds it, so a reader of doubles gets the same numbers from
    /// either format.
    /// </summary>
    /// <exception cref="DisdException">The file is missing or not a valid table; the message names the file and the problem.</exception>
    public static double[][] Read(string path) => Read(path, static (_, asCsv) => asCsv, csvDoubles: true);

    /// <summary>Reads a table as the floats it holds, validated as <see cref="Read"/> does.</summary>
    public static float[][] ReadSingle(string path) => Read(path, static (value, _) => value, csvDoubles: false);

    /// <summary>The double that the CSV text of <paramref name="value"/> parses to.</summary>
    public static double AsCsvDouble(float value)
    {
        Span<char> text = stackalloc char[32];
        if (!value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"cannot format {value}");
        return double.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <param name="convert">A value kept, from the float and its double (computed once, for the row sum too).</param>
    /// <param name="csvDoubles">
    /// Whether that double is the one the CSV reader would give (<see cref="AsCsvDouble"/>) or the float widened, as the
    /// CSV reader's float path sums them.
    /// </param>
    private static T[][] Read<T>(string path, Func<float, double, T> convert, bool csvDoubles)
        where T : struct
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new DisdException($"{path}: file not found");
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(path);
        }
        catch (IOException e)
        {
            throw new DisdException($"{path}: cannot read: {e.Message}", e);
        }

        using (file)
        {
            var entry = TableEntry(path, file);
            int positions = (int)entry.Shape[0], vocabSize = (int)entry.Shape[1];
            var rows = new T[positions][];
            var errors = new DisdException?[positions];
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            // Rows are independent: each is read at its own offset and checked on its own core.
            Parallel.For(0, positions, t =>
            {
                try
                {
                    rows[t] = ReadRow(path, handle, entry.Begin + (long)t * vocabSize * sizeof(float), t, vocabSize, convert, csvDoubles);
                }
                catch (DisdException e)
                {
                    errors[t] = e;
                }
            });
            if (errors.FirstOrDefault(e => e is not null) is { } first)
                throw first;
            return rows;
        }
    }

    internal static SafetensorsEntry TableEntry(string path, SafetensorsFile file)
    {
        if (!file.Tensors.TryGetValue(TensorName, out var entry))
        {
            var names = file.Tensors.Count == 0 ? "none" : string.Join(", ", file.Tensors.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
            throw new DisdException(
                $"{path}: no tensor named '{TensorName}' (the file holds {names}); expected one float32 tensor '{TensorName}' [positions, V]");
        }

        if (file.Tensors.Count != 1)
        {
            var others = string.Join(", ", file.Tensors.Keys.Where(n => n != TensorName).Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
            throw new DisdException($"{path}: holds tensors {others} besides '{TensorName}'; a distribution table holds '{TensorName}' alone");
        }

        if (entry.DType != "F32")
            throw new DisdException($"{path}: tensor '{TensorName}' is {entry.DType}, expected F32 (float32)");
        if (entry.Shape.Length != 2)
            throw new DisdException($"{path}: tensor '{TensorName}' has shape {entry.ShapeText}, expected [positions, V]");
        if (entry.Shape[0] == 0)
            throw new DisdException($"{path}: tensor '{TensorName}' has shape {entry.ShapeText}: no positions");
        if (entry.Shape[1] == 0 || entry.Shape[1] > DistributionCsvPrescan.MaxColumns)
            throw new DisdException($"{path}: tensor '{TensorName}' has shape {entry.ShapeText}: V must be 1 to {DistributionCsvPrescan.MaxColumns}");
        if (entry.Shape[0] > Array.MaxLength)
            throw new DisdException($"{path}: tensor '{TensorName}' has shape {entry.ShapeText}: too many positions");
        return entry;
    }

    private static T[] ReadRow<T>(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, int t, int vocabSize,
        Func<float, double, T> convert, bool csvDoubles)
    {
        if (!csvDoubles && typeof(T) == typeof(float) && BitConverter.IsLittleEndian)
            return (T[])(object)ReadFloatRow(path, handle, offset, t, vocabSize);
        var bytes = new byte[vocabSize * sizeof(float)];
        ReadExactly(path, handle, bytes, offset, t);
        var values = new T[vocabSize];
        var sum = 0.0;
        for (var c = 0; c < vocabSize; c++)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(c * sizeof(float)));
            RequireProbability(path, t, c, value);
            double asDouble = csvDoubles ? AsCsvDouble(value) : value;
            values[c] = convert(value, asDouble);
            sum += asDouble;
        }

        RequireUnitSum(path, t, sum);
        return values;
    }

    /// <summary>
    /// A row read straight into the float array that keeps it (little-endian hosts: the file's bytes are the floats)
    /// and checked in one pass: fresh memory is touched once, which is most of the cost of a large table.
    /// </summary>
    private static float[] ReadFloatRow(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, int t, int vocabSize)
    {
        var floats = new float[vocabSize];
        ReadExactly(path, handle, MemoryMarshal.AsBytes(floats.AsSpan()), offset, t);
        CheckRow(path, t, floats);
        return floats;
    }

    /// <summary>Row <paramref name="t"/> holds probabilities (finite, non-negative) that sum to 1; the errors name the file.</summary>
    internal static void CheckRow(string path, int t, ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        for (var c = 0; c < row.Length; c++)
        {
            var value = row[c];
            if (!(value >= 0) || value > float.MaxValue)
                RequireProbability(path, t, c, value);
            sum += value;
        }
        RequireUnitSum(path, t, sum);
    }

    private static void ReadExactly(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> rest, long at, int t)
    {
        while (!rest.IsEmpty)
        {
            var read = RandomAccess.Read(handle, rest, at);
            if (read == 0)
                throw new DisdException($"{path}: file ended inside row {t + 1} (truncated while being read?)");
            rest = rest[read..];
            at += read;
        }
    }

    private static void RequireProbability(string path, int t, int c, float value)
    {
        if (!float.IsFinite(value))
            throw BadValue(path, t, c, $"{value.ToString(CultureInfo.InvariantCulture)} is not finite");
        if (value < 0)
            throw BadValue(path, t, c, $"{value.ToString(CultureInfo.InvariantCulture)} is negative");
    }

    private static void RequireUnitSum(string path, int t, double sum)
    {
        if (Math.Abs(sum - 1) > DistributionCsv.SumTolerance)
        {
            throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: row {t + 1} (position {t}) sums to {sum:R}, expected 1 (±{DistributionCsv.SumTolerance})"));
        }
    }

    private static DisdException BadValue(string path, int row, int column, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{path}: row {row + 1} (position {row}), column {column + 1} (token {column}): {problem}; expected a probability"));

    private static byte[] Header(int positions, int vocabSize, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }

            json.WriteStartObject(TensorName);
            json.WriteString("dtype", "F32");
            json.WriteStartArray("shape");
            json.WriteNumberValue(positions);
            json.WriteNumberValue(vocabSize);
            json.WriteEndArray();
            json.WriteStartArray("data_offsets");
            json.WriteNumberValue(0);
            json.WriteNumberValue((long)positions * vocabSize * sizeof(float));
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var padding = (int)((Alignment - buffer.Length % Alignment) % Alignment);
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }
}
