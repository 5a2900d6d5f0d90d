using System.Globalization;

namespace DISD.IO;

/// <summary>
/// A streaming pass over a distribution table before the CSV reader sees it, holding one buffer at a time: the header
/// must be <c>prob_0,…,prob_{V-1}</c> with V ≤ <see cref="MaxColumns"/>, and no data line may be longer than V
/// probabilities can be. The CSV reader buffers a whole line (as UTF-16) and its fields, so without this one overlong
/// line would cost several times its size in memory before its error (bench/RESULTS.md, section "Measurements moved from code comments").
/// </summary>
internal static class DistributionCsvPrescan
{
    public const int MaxColumns = Models.Config.ConfigLimits.MaxVocab;

    /// <summary>Room per value in a data line: the longest round-trip double ("-1.2345678901234567E-308") and a comma.</summary>
    private const long BytesPerValue = 32;

    public static void Check(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        var header = new HeaderScan(path);
        long lineLength = 0, row = 0, maxLine = 0;
        bool inHeader = true, first = true;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            if (first && read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
            {
                start = 3;
            }
            first = false;
            for (int i = start; i < read; i++)
            {
                byte b = buffer[i];
                if (inHeader)
                {
                    if (header.Feed(b))
                    {
                        inHeader = false;
                        maxLine = header.Columns * BytesPerValue + 1024;
                    }
                    continue;
                }
                if (b == (byte)'\n')
                {
                    row++;
                    lineLength = 0;
                }
                else if (++lineLength > maxLine)
                {
                    throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                        $"{path}: data row {row + 1} is longer than {maxLine} bytes, more than {header.Columns} probabilities can take; is this a "
                            + $"distribution table?"));
                }
            }
        }
    }

    /// <summary>Checks the header field by field, keeping at most <see cref="MaxField"/> bytes of the current one.</summary>
    private sealed class HeaderScan(string path)
    {
        private const int MaxField = 40;
        private readonly List<byte> _field = new(MaxField + 1);

        public long Columns { get; private set; }

        /// <summary>Returns true at the end of the header line.</summary>
        public bool Feed(byte b)
        {
            if (b == (byte)'\r')
            {
                return false;
            }
            if (b is not ((byte)',' or (byte)'\n'))
            {
                _field.Add(b);
                if (_field.Count > MaxField)
                {
                    throw Bad("…");
                }
                return false;
            }
            if (b == (byte)'\n' && Columns == 0 && _field.Count == 0)
            {
                return true; // an empty header line: the CSV reader reports it
            }
            string expected = DistributionCsv.ColumnPrefix + Columns.ToString(CultureInfo.InvariantCulture);
            if (_field.Count != expected.Length || !_field.Select(c => (char)c).SequenceEqual(expected))
            {
                throw Bad("");
            }
            Columns++;
            if (Columns > MaxColumns)
            {
                throw new DisdException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: the header has more than {MaxColumns} columns; no vocabulary is that large"));
            }
            _field.Clear();
            return b == (byte)'\n';
        }

        private DisdException Bad(string ellipsis)
        {
            string text = System.Text.Encoding.UTF8.GetString(_field.Take(MaxField).ToArray());
            return new(string.Create(CultureInfo.InvariantCulture,
                $"{path}: header column {Columns + 1} is '{text}{ellipsis}', expected 'prob_{Columns}' (header prob_0,…,prob_{{V-1}}, no index column)"));
        }
    }
}
