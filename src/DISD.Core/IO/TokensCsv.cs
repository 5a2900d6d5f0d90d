using System.Globalization;
using CsvHelper;

namespace DISD.IO;

/// <summary>One row of tokens.csv: the token generated at <paramref name="Step"/> (0-based, = row of each *_probs.csv)
/// and every model's probability of it, in the order of the model columns.</summary>
public sealed record TokenRow(int Step, int TokenId, string TokenText, IReadOnlyList<float> Probabilities);

/// <summary>
/// tokens.csv of generate-distribution: <c>step,token_id,token_text,prob_&lt;model id&gt;…</c>, one row per generated
/// token; the probabilities are the values of the models' *_probs.csv tables at that token (same float, round-trip text).
/// </summary>
public static class TokensCsv
{
    public const string FileName = "tokens.csv";
    public const string ModelColumnPrefix = "prob_";

    private static readonly string[] FixedColumns = ["step", "token_id", "token_text"];

    private static readonly CsvWriterOptions WriterOptions = new()
    {
        Separator = ',',
        FormatProvider = CultureInfo.InvariantCulture,
        NewLine = "\n",
        // Token texts such as "=" or "-" are data, not spreadsheet formulas: keep them exactly.
        Injection = CsvInjection.None,
    };

    /// <summary>Writes the table for <paramref name="tokenIds"/> (their texts in <paramref name="tokenTexts"/>) and the
    /// per-model distributions (<paramref name="distributions"/>[m][step][id]).</summary>
    public static void Write(Stream stream, IReadOnlyList<string> modelIds, IReadOnlyList<int> tokenIds,
        IReadOnlyList<string> tokenTexts, IReadOnlyList<IReadOnlyList<float[]>> distributions)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (modelIds.Count != distributions.Count)
            throw new ArgumentException($"{modelIds.Count} model ids but {distributions.Count} distribution tables");
        if (tokenTexts.Count != tokenIds.Count)
            throw new ArgumentException($"{tokenIds.Count} tokens but {tokenTexts.Count} token texts");
        using var writer = CsvWriter.Create(stream, WriterOptions, leaveOpen: true);
        writer.WriteRecord([.. FixedColumns, .. modelIds.Select(id => ModelColumnPrefix + id)]);
        for (var step = 0; step < tokenIds.Count; step++)
        {
            writer.WriteField(step, default);
            writer.WriteField(tokenIds[step], default);
            writer.WriteField(tokenTexts[step]);
            foreach (var table in distributions)
            {
                writer.WriteField(table[step][tokenIds[step]], default);
            }

            writer.EndRecord();
        }
    }

    /// <summary>Reads a tokens.csv: the model ids (column names without the prefix) and the rows.</summary>
    /// <exception cref="DisdException">The file is missing or not a tokens table; the message names the file and row.</exception>
    public static (IReadOnlyList<string> ModelIds, IReadOnlyList<TokenRow> Rows) Read(string path)
    {
        if (!File.Exists(path))
            throw new DisdException($"{path}: file not found");
        using var reader = CsvReader.FromFile(path, DistributionCsv.ReaderOptions);
        reader.ReadHeader();
        var header = reader.Headers;
        if (header.Count <= FixedColumns.Length || !FixedColumns.SequenceEqual(header.Take(FixedColumns.Length))
            || header.Skip(FixedColumns.Length).Any(h => !h.StartsWith(ModelColumnPrefix, StringComparison.Ordinal)))
            throw new DisdException($"{path}: expected the header step,token_id,token_text,{ModelColumnPrefix}<model>…, got '{string.Join(',', header)}'");
        var modelIds = header.Skip(FixedColumns.Length).Select(h => h[ModelColumnPrefix.Length..]).ToArray();
        var rows = new List<TokenRow>();
        while (reader.Read())
        {
            if (reader.FieldCount != header.Count)
                throw new DisdException($"{path}: data row {reader.RowNumber} has {reader.FieldCount} columns, the header has {header.Count}");
            var probabilities = new float[modelIds.Length];
            for (var m = 0; m < modelIds.Length; m++)
            {
                probabilities[m] = Parse<float>(reader, FixedColumns.Length + m, path);
            }

            rows.Add(new TokenRow(Parse<int>(reader, 0, path), Parse<int>(reader, 1, path), reader.GetString(2), probabilities));
        }

        return (modelIds, rows);
    }

    private static T Parse<T>(CsvReader reader, int column, string path)
        where T : ISpanParsable<T> =>
        T.TryParse(reader.GetString(column), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DisdException($"{path}: data row {reader.RowNumber}, column {column + 1}: '{reader.GetString(column)}' is not a number");
}
