using System.Globalization;
using DISD.IO;
using DISD.Tests.Plotting;

namespace DISD.Tests.IO;

public sealed class CouplingResultsCsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WritesTheOriginalColumnsThenTheMonteCarloDetails()
    {
        var results = CouplingFigureTests.SampleResults();
        var path = _folder.File("coupling.csv");

        CouplingResultsCsv.Write(path, results, "0123abcd");

        var lines = File.ReadAllLines(path);
        Assert.Equal("Token,DTV,Gumbel,WMH,GumbelExact,WMHExact,Tight Lower Bound,Upper Bound,Lower Bound,GumbelStdErr,WMHStdErr,Retries,RunId", lines[0]);
        Assert.Equal(results.Count + 1, lines.Length);
        for (var i = 0; i < results.Count; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal("0123abcd", cells[^1]);
            var fields = cells[..^1].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var r = results[i];
            Assert.Equal(
                [r.Token, r.Dtv, r.Gumbel.Rate, r.Wmh.Rate, r.GumbelExact, r.WmhExact, r.TightLowerBound, r.UpperBound, r.LowerBound,
                    r.Gumbel.StandardError, r.Wmh.StandardError, r.Gumbel.Retries],
                fields);
        }
    }
}
