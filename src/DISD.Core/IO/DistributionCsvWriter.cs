using CsvHelper;

namespace DISD.IO;

/// <summary>
/// Writes a distribution table one row at a time (for generators that emit a row per step). The file appears only on
/// <see cref="Commit"/>; disposing without committing leaves nothing behind.
/// </summary>
public sealed class DistributionCsvWriter : IDisposable
{
    private readonly AtomicFile _file;
    private readonly CsvWriter _writer;
    private bool _done;

    internal DistributionCsvWriter(string path, int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        VocabSize = vocabSize;
        _file = AtomicFile.Create(path);
        try
        {
            _writer = CsvWriter.Create(_file.Stream, DistributionCsv.WriterOptions, leaveOpen: true);
            _writer.WriteHeader(DistributionCsv.Header(vocabSize));
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public int VocabSize { get; }

    /// <summary>Rows written so far.</summary>
    public int RowCount { get; private set; }

    public void WriteRow(ReadOnlySpan<float> probabilities)
    {
        CheckWidth(probabilities.Length);
        foreach (var value in probabilities)
        {
            _writer.WriteField(value, default);
        }

        _writer.EndRecord();
        RowCount++;
    }

    public void WriteRow(ReadOnlySpan<double> probabilities)
    {
        CheckWidth(probabilities.Length);
        foreach (var value in probabilities)
        {
            _writer.WriteField(value, default);
        }

        _writer.EndRecord();
        RowCount++;
    }

    /// <summary>Finishes the file and moves it into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (RowCount == 0)
        {
            throw new InvalidOperationException("a distribution table needs at least one row");
        }

        _writer.Dispose();
        _file.Commit();
        _done = true;
    }

    public void Dispose()
    {
        if (!_done)
        {
            _writer.Dispose();
            _done = true;
        }

        _file.Dispose();
    }

    private void CheckWidth(int width)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (width != VocabSize)
        {
            throw new ArgumentException($"a row has {width} values, the table has {VocabSize} columns");
        }
    }
}
