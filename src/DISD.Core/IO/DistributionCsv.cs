using System.Globalization;
using System.Numerics;
using CsvHelper;

namespace DISD.IO;

/// <summary>
/// Tables of next-token distributions in the original scripts' layout: a header <c>prob_0,…,prob_{V-1}</c> and one
/// row per generated position, no index column. Values are written as the shortest text that round-trips, so reading
/// a written table gives back the same bits.
/// </summary>
public static class DistributionCsv
{
    /// <summary>How far a row's sum may be from 1.</summary>
    public const double SumTolerance = 1e-3;

    internal const string ColumnPrefix = "prob_";

    /// <summary>Reads and validates a table; every row has the header's width, finite values ≥ 0, and sums to 1 (±<see cref="SumTolerance"/>).</summary>
    /// <exception cref="DisdException">The file is missing, empty, malformed or not a table of distributions; the message names the file, row and
    /// column.</exception>
    public static double[][] Read(string path) => Read<double>(path);

    /// <summary>Reads a table as <see cref="Read"/> does, parsing each value straight to the nearest float (exact for files written from floats).</summary>
    public static float[][] ReadSingle(string path) => Read<float>(path);

    private static T[][] Read<T>(string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DisdException($"{path}: file not found");
        }

        DistributionCsvPrescan.Check(path);
        try
        {
            using var reader = CsvReader.FromFile(path, ReaderOptions);
            var vocabSize = ReadHeader(reader, path);
            // Rows are parsed on every core: a row of a 256k vocabulary is 3.6 MB of text, so each one is a batch of its own.
            var rows = reader.ParallelEnumerate(row => ParseRow<T>(row, vocabSize, path), -1).ToArray();
            if (rows.Length == 0)
            {
                throw new DisdException($"{path}: the file has a header but no data rows");
            }

            return rows;
        }
        catch (CsvFormatException e)
        {
            throw new DisdException($"{path}: malformed CSV at record {e.RecordNumber}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>Writes <paramref name="rows"/> (all of one width) atomically.</summary>
    public static void Write(string path, IReadOnlyList<float[]> rows) => WriteRows(path, rows, static (writer, row) =>
    {
        foreach (var value in row)
        {
            writer.WriteField(value, default);
        }
    });

    /// <inheritdoc cref="Write(string, IReadOnlyList{float[]})"/>
    public static void Write(string path, IReadOnlyList<double[]> rows) => WriteRows(path, rows, static (writer, row) =>
    {
        foreach (var value in row)
        {
            writer.WriteField(value, default);
        }
    });

    /// <summary>Starts a table of <paramref name="vocabSize"/> columns that is written row by row and appears at <paramref name="path"/> on <see
    /// cref="DistributionCsvWriter.Commit"/>.</summary>
    public static DistributionCsvWriter OpenWrite(string path, int vocabSize) => new(path, vocabSize);

    internal static CsvReaderOptions ReaderOptions { get; } = new()
    {
        Separator = ',',
        HasHeader = true,
        FormatProvider = CultureInfo.InvariantCulture,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        SkipEmptyLines = true,
    };

    internal static CsvWriterOptions WriterOptions { get; } = new()
    {
        Separator = ',',
        FormatProvider = CultureInfo.InvariantCulture,
        NewLine = "\n",
    };

    internal static string[] Header(int vocabSize)
    {
        var header = new string[vocabSize];
        for (var i = 0; i < vocabSize; i++)
        {
            header[i] = ColumnPrefix + i.ToString(CultureInfo.InvariantCulture);
        }

        return header;
    }

    private static void WriteRows<T>(string path, IReadOnlyList<T[]> rows, Action<CsvWriter, T[]> writeFields)
    {
        var vocabSize = DistributionTables.RequireRectangular(rows);

        using var file = AtomicFile.Create(path);
        using (var writer = CsvWriter.Create(file.Stream, WriterOptions, leaveOpen: true))
        {
            writer.WriteHeader(Header(vocabSize));
            // Rows are formatted on every core and written in order.
            writer.ParallelWrite(rows, (rowWriter, row) =>
            {
                writeFields(rowWriter, row);
                rowWriter.EndRecord();
            }, -1);
        }

        file.Commit();
    }

    private static int ReadHeader(CsvReader reader, string path)
    {
        reader.ReadHeader();
        var header = reader.Headers;
        if (header.Count == 0 || header.Count == 1 && header[0].Length == 0)
        {
            throw new DisdException($"{path}: the file is empty; expected a header prob_0,…,prob_{{V-1}} and one row per position");
        }

        for (var c = 0; c < header.Count; c++)
        {
            var expected = ColumnPrefix + c.ToString(CultureInfo.InvariantCulture);
            if (!string.Equals(header[c], expected, StringComparison.Ordinal))
            {
                throw new DisdException($"{path}: header column {c + 1} is '{Clip(header[c])}', expected '{expected}' (header prob_0,…,prob_{{V-1}}, no "
                    + "index column)");
            }
        }

        return header.Count;
    }

    private static T[] ParseRow<T>(CsvReader row, int vocabSize, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var rowNumber = row.RowNumber;
        if (row.FieldCount != vocabSize)
        {
            throw new DisdException($"{path}: data row {rowNumber} has {row.FieldCount} columns, the header has {vocabSize}");
        }

        var values = new T[vocabSize];
        var sum = 0.0;
        for (var c = 0; c < vocabSize; c++)
        {
            if (!row.TryParse(c, out T value))
            {
                throw BadValue(path, rowNumber, c, $"'{Clip(row.GetString(c))}' is not a number");
            }

            if (!T.IsFinite(value))
            {
                throw BadValue(path, rowNumber, c, $"{value.ToString(null, CultureInfo.InvariantCulture)} is not finite");
            }

            if (T.IsNegative(value) && !T.IsZero(value))
            {
                throw BadValue(path, rowNumber, c, $"{value.ToString(null, CultureInfo.InvariantCulture)} is negative");
            }

            values[c] = value;
            sum += double.CreateTruncating(value);
        }

        if (Math.Abs(sum - 1) > SumTolerance)
        {
            throw new DisdException($"{path}: data row {rowNumber} sums to {sum.ToString("R", CultureInfo.InvariantCulture)}, expected 1 "
                + $"(±{SumTolerance.ToString(CultureInfo.InvariantCulture)})");
        }

        return values;
    }

    private static DisdException BadValue(string path, long rowNumber, int column, string problem) =>
        new($"{path}: data row {rowNumber}, column {column + 1} ({ColumnPrefix}{column}): {problem}; expected a probability");

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
