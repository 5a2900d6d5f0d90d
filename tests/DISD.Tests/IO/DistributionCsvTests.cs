using DISD.IO;

namespace DISD.Tests.IO;

public sealed class DistributionCsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void FloatRowsRoundTripToTheLastBit()
    {
        var rows = Enumerable.Range(0, 6).Select(r => FloatRow(new Random(r), 300)).ToArray();
        var path = _folder.File("f_probs.csv");

        DistributionCsv.Write(path, rows);

        var asSingle = DistributionCsv.ReadSingle(path);
        var asDouble = DistributionCsv.Read(path);
        Assert.Equal(rows.Length, asSingle.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Select(BitConverter.SingleToInt32Bits), asSingle[r].Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(rows[r].Select(BitConverter.SingleToInt32Bits), asDouble[r].Select(v => BitConverter.SingleToInt32Bits((float)v)));
        }
    }

    [Fact]
    public void DoubleRowsRoundTripToTheLastBit()
    {
        var rows = Enumerable.Range(0, 6).Select(r => DoubleRow(new Random(100 + r), 300)).ToArray();
        var path = _folder.File("d_probs.csv");

        DistributionCsv.Write(path, rows);

        var read = DistributionCsv.Read(path);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Select(BitConverter.DoubleToInt64Bits), read[r].Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void WritesTheOriginalLayout()
    {
        var path = _folder.File("layout_probs.csv");

        DistributionCsv.Write(path, [new[] { 0.25f, 0.75f, 0f }, new[] { 1f, 0f, 0f }]);

        Assert.Equal("prob_0,prob_1,prob_2\n0.25,0.75,0\n1,0,0\n", File.ReadAllText(path));
    }

    [Fact]
    public void ReadsPandasStyleText()
    {
        var path = _folder.WriteText("pandas_probs.csv", "prob_0,prob_1,prob_2\r\n0.5,2.5e-01,0.25\r\n1.0,0.0,0.0\r\n");

        var rows = DistributionCsv.Read(path);

        Assert.Equal([0.5, 0.25, 0.25], rows[0]);
        Assert.Equal([1.0, 0.0, 0.0], rows[1]);
    }

    [Fact]
    public void StreamingWriterMatchesTheBulkWriter()
    {
        var rows = Enumerable.Range(0, 3).Select(r => FloatRow(new Random(7 + r), 50)).ToArray();
        var bulk = _folder.File("bulk_probs.csv");
        var streamed = _folder.File("streamed_probs.csv");
        DistributionCsv.Write(bulk, rows);

        using (var writer = DistributionCsv.OpenWrite(streamed, 50))
        {
            foreach (var row in rows)
            {
                writer.WriteRow(row);
            }

            Assert.False(File.Exists(streamed));
            writer.Commit();
        }

        Assert.Equal(File.ReadAllBytes(bulk), File.ReadAllBytes(streamed));
    }

    [Fact]
    public void UncommittedStreamingWriterLeavesNoFile()
    {
        var path = _folder.File("sub", "x_probs.csv");
        using (var writer = DistributionCsv.OpenWrite(path, 2))
        {
            writer.WriteRow([0.5f, 0.5f]);
        }

        Assert.Empty(_folder.AllFiles());
    }

    [Theory]
    [InlineData("prob_0,prob_1\n0.5,abc\n", "data row 1, column 2 (prob_1)", "'abc' is not a number")]
    [InlineData("prob_0,prob_1\n0.5,0.5\n0.5,NaN\n", "data row 2, column 2 (prob_1)", "NaN is not finite")]
    [InlineData("prob_0,prob_1\n0.5,0.5\nInfinity,0\n", "data row 2, column 1 (prob_0)", "is not finite")]
    [InlineData("prob_0,prob_1\n1.5,-0.5\n", "data row 1, column 2 (prob_1)", "-0.5 is negative")]
    [InlineData("prob_0,prob_1\n0.5,0.5\n0.5,0.4\n", "data row 2 sums to 0.9", "expected 1")]
    [InlineData("prob_0,prob_1\n0.5,0.5\n1\n", "data row 2 has 1 columns", "the header has 2")]
    [InlineData("prob_0,prob_1\n0.5,0.5,0\n", "data row 1 has 3 columns", "the header has 2")]
    [InlineData("", "the file is empty", "prob_0")]
    [InlineData("prob_0,prob_1\n", "header but no data rows", "")]
    [InlineData(",prob_0,prob_1\n0,0.5,0.5\n", "header column 1 is ''", "expected 'prob_0'")]
    [InlineData("prob_0,prob_2\n0.5,0.5\n", "header column 2 is 'prob_2'", "expected 'prob_1'")]
    public void BadTablesAreRejectedWithFileRowAndColumn(string text, string where, string what)
    {
        var path = _folder.WriteText("bad_probs.csv", text);

        var error = Assert.Throws<DisdException>(() => DistributionCsv.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(where, error.Message);
        Assert.Contains(what, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void MissingFileIsRejectedWithItsName()
    {
        var path = _folder.File("nowhere_probs.csv");

        var error = Assert.Throws<DisdException>(() => DistributionCsv.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void RowsOfDifferentWidthsAreNotWritten()
    {
        var path = _folder.File("ragged_probs.csv");

        Assert.Throws<ArgumentException>(() => DistributionCsv.Write(path, [new[] { 1f }, new[] { 0.5f, 0.5f }]));
        Assert.Empty(_folder.AllFiles());
    }

    /// <summary>Random bit patterns from subnormals up to 2^-16, a few special small values, and the rest of the mass in column 0.</summary>
    private static float[] FloatRow(Random random, int width)
    {
        var row = new float[width];
        // zero, the smallest subnormals, the largest subnormal, the smallest normal, a mid subnormal, a tiny normal
        float[] specials = [0f, float.Epsilon, 2 * float.Epsilon, 1.1754942E-38f, 1.17549435E-38f, 3.4e-39f, 1e-10f];
        for (var c = 1; c < width; c++)
        {
            row[c] = c < specials.Length + 1
                ? specials[c - 1]
                : BitConverter.Int32BitsToSingle((random.Next(0, 127 - 16) << 23) | random.Next(0, 1 << 23));
        }

        row[0] = 1f - (float)row.Skip(1).Sum(v => (double)v);
        return row;
    }

    private static double[] DoubleRow(Random random, int width)
    {
        var row = new double[width];
        double[] specials = [0.0, double.Epsilon, 2 * double.Epsilon, 2.2250738585072009E-308, 2.2250738585072014E-308, 1e-300, 0.1, 1.0 / 3];
        for (var c = 1; c < width; c++)
        {
            row[c] = c < specials.Length + 1
                ? specials[c - 1] / 4
                : BitConverter.Int64BitsToDouble(((long)random.Next(0, 1023 - 16) << 52) | random.NextInt64(0, 1L << 52));
        }

        row[0] = 1.0 - row.Skip(1).Sum();
        return row;
    }
}
