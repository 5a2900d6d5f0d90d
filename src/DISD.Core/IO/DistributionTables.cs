namespace DISD.IO;

/// <summary>How generate-distribution stores each model's table.</summary>
public enum TableFormat
{
    /// <summary><c>&lt;model&gt;_probs.csv</c>: the original scripts' layout, readable by any tool.</summary>
    Csv,

    /// <summary><c>&lt;model&gt;_probs.safetensors</c>: one float32 tensor <c>probs</c> [positions, V], the same values as the CSV.</summary>
    Safetensors,
}

/// <summary>
/// Distribution tables in either format, told apart by file name: every reader goes through here, so a table is
/// accepted wherever the other format is (with or without a manifest beside it).
/// </summary>
public static class DistributionTables
{
    public const string CsvSuffix = DistributionLocator.FileSuffix;
    public const string SafetensorsSuffix = "_probs.safetensors";

    /// <summary>The table's width, checking that it has rows and that they all have it (both writers' precondition).</summary>
    public static int RequireRectangular<T>(IReadOnlyList<T[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            throw new ArgumentException("a distribution table needs at least one row", nameof(rows));
        int vocabSize = rows[0].Length;
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != vocabSize)
                throw new ArgumentException($"row {r + 1} has {rows[r].Length} values, row 1 has {vocabSize}", nameof(rows));
        }
        return vocabSize;
    }

    public static string Suffix(TableFormat format) => format == TableFormat.Safetensors ? SafetensorsSuffix : CsvSuffix;

    public static string Name(TableFormat format) => format == TableFormat.Safetensors ? "safetensors" : "csv";

    /// <summary>The table file of <paramref name="fileId"/> in <paramref name="format"/>.</summary>
    public static string FileName(string fileId, TableFormat format) => fileId + Suffix(format);

    /// <summary>Whether <paramref name="path"/> names a table file by its extension (either format).</summary>
    public static bool IsTablePath(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>The format of a table file, by its extension; anything but .safetensors is read as CSV (the original layout).</summary>
    public static TableFormat FormatOf(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? TableFormat.Safetensors : TableFormat.Csv;

    /// <summary>
    /// The table file a manifest lists for <paramref name="model"/>: its <c>csv</c> field when that is the model's file in
    /// one of the formats, else the CSV name (manifests of versions before the field, or one whose field names
    /// something else: a manifest never sends a reader outside its folder).
    /// </summary>
    public static string FileOf(ManifestModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var listed = model.Csv;
        return listed == FileName(model.FileId, TableFormat.Safetensors) ? listed : FileName(model.FileId, TableFormat.Csv);
    }

    /// <summary>Reads and validates a table of either format as doubles; a safetensors table gives exactly the doubles its CSV would.</summary>
    /// <exception cref="DisdException">The file is missing or not a valid table; the message names the file and the problem.</exception>
    public static double[][] Read(string path) =>
        FormatOf(path) == TableFormat.Safetensors ? DistributionSafetensors.Read(path) : DistributionCsv.Read(path);

    /// <summary>
    /// A table of either format as the float32 values it holds, every row validated. Tables hold float32 probabilities, so
    /// the two formats give the same values: a CSV value is parsed to the nearest float (exact for what
    /// generate-distribution writes; a CSV with more digits than a float32 holds is rounded to float32). A safetensors
    /// table is mapped rather than copied (<see cref="MappedDistributionTable"/>); dispose the result when done.
    /// </summary>
    public static Float32Table OpenFloat32(string path)
    {
        if (FormatOf(path) == TableFormat.Safetensors)
        {
            var mapped = MappedDistributionTable.Open(path);
            return new Float32Table(Enumerable.Range(0, mapped.Positions).Select(mapped.Row).ToArray(), mapped.Vocab, mapped);
        }
        var rows = DistributionCsv.ReadSingle(path);
        return new Float32Table(rows.Select(row => (ReadOnlyMemory<float>)row).ToArray(), rows[0].Length, null);
    }

    /// <summary>Reads a table of either format as the floats it was written from.</summary>
    public static float[][] ReadSingle(string path) =>
        FormatOf(path) == TableFormat.Safetensors ? DistributionSafetensors.ReadSingle(path) : DistributionCsv.ReadSingle(path);

    /// <summary>
    /// Writes <paramref name="rows"/> atomically in <paramref name="format"/>; <paramref name="metadata"/> goes into a
    /// safetensors header only.
    /// </summary>
    public static void Write(string path, TableFormat format, IReadOnlyList<float[]> rows, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (format == TableFormat.Safetensors)
            DistributionSafetensors.Write(path, rows, metadata);
        else
            DistributionCsv.Write(path, rows);
    }
}
