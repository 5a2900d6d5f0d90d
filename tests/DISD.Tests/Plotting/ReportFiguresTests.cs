using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DISD.Plotting;

namespace DISD.Tests.Plotting;

public sealed class ReportFiguresTests
{
    [Fact]
    public void TheHistogramsCountAxisHasWholeNumberTicksOnly()
    {
        // Two positions in one bin: left to itself the count axis was ticked at 0.5 and 1.5 positions.
        var svg = Encoding.UTF8.GetString(ReportFigures.DtvHistogram("D_TV per position", "a vs b", [0.12, 0.13, 0.55], FigureFormat.Svg));

        var labels = Regex.Matches(svg, @"<text[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value.Trim()).ToList();
        var dtvTicks = Enumerable.Range(0, 11).Select(i => (i / 10.0).ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.All(dtvTicks, tick => Assert.Contains(tick, labels));
        var countTicks = labels.Where(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _)).ToList();
        foreach (var tick in dtvTicks)
            countTicks.Remove(tick);
        Assert.NotEmpty(countTicks);
        Assert.All(countTicks, tick => Assert.Matches("^[0-9]+$", tick));
    }
}
