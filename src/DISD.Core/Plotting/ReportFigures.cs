using System.Globalization;
using ScottPlot;

namespace DISD.Plotting;

/// <summary>A position of the report's scatter: D_TV and the observed agreement of each coupling.</summary>
public readonly record struct AgreementPoint(double Dtv, double Gumbel, double Wmh);

/// <summary>
/// The figures of <c>disd report</c>. The scatter holds every position of every prompt of a model pair; it stays
/// readable with many thousand points by drawing small translucent markers whose opacity falls as 15/√n (0.27 at 3,200 points) (overlaps
/// darken, so density shows as shade while a few points stay solid; a 2-D histogram would show density too but can
/// shade only one coupling per cell, and the point is to compare the two), with the mean agreement per D_TV bin drawn
/// as a line for each coupling over them.
/// </summary>
public static class ReportFigures
{
    public const int Width = 1800;
    public const int Height = 1400;
    private const int MeanBins = 20;
    private const int HistogramBins = 40;

    private static readonly Color Optimal = CouplingFigure.Optimal;
    private static readonly Color Bound = CouplingFigure.Bound;
    private static readonly Color GumbelColor = CouplingFigure.GumbelColor;
    private static readonly Color WmhColor = CouplingFigure.WmhColor;

    public static byte[] AgreementScatter(string title, string subtitle, IReadOnlyList<AgreementPoint> points, FigureFormat format)
    {
        using var plot = NewPlot(title, subtitle);
        CouplingFigure.AddCurves(plot, "D_TV");

        var alpha = Math.Clamp(15 / Math.Sqrt(Math.Max(points.Count, 1)), 0.05, 0.8);
        var size = points.Count > 300 ? 6f : 12f;
        AddPoints(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.Gumbel).ToArray(), GumbelColor, MarkerShape.FilledCircle, size, alpha,
            "Gumbel Sampling");
        AddPoints(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.Wmh).ToArray(), WmhColor, MarkerShape.FilledDiamond, size, alpha,
            "Weighted MinHash");
        AddBinMeans(plot, points, p => p.Gumbel, GumbelColor, "Gumbel, mean per D_TV bin");
        AddBinMeans(plot, points, p => p.Wmh, WmhColor, "Weighted MinHash, mean per D_TV bin");

        plot.XLabel("D_TV(P,Q)", size: 36);
        plot.YLabel("Pr[a = b]", size: 36);
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Legend.Alignment = Alignment.UpperRight;
        return Encode(plot, format);
    }

    public static byte[] DtvHistogram(string title, string subtitle, IReadOnlyList<double> dtvs, FigureFormat format)
    {
        using var plot = NewPlot(title, subtitle);
        var counts = new double[HistogramBins];
        foreach (var d in dtvs)
        {
            counts[Math.Clamp((int)(d * HistogramBins), 0, HistogramBins - 1)]++;
        }

        var bars = counts.Select((count, i) => new Bar
        {
            Position = (i + 0.5) / HistogramBins,
            Value = count,
            Size = 1.0 / HistogramBins * 0.92,
            FillColor = Optimal,
            LineWidth = 0,
        }).ToList();
        plot.Add.Bars(bars);
        plot.XLabel("D_TV(P,Q)", size: 36);
        plot.YLabel("positions", size: 36);
        plot.Axes.SetLimits(-0.01, 1.01, 0, Math.Max(1, counts.Max()) * 1.08);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        // The y axis counts positions: ticks at half counts (0.5, 1.5) would name counts no bin can have.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        var mean = dtvs.Count > 0 ? dtvs.Average() : double.NaN;
        var line = plot.Add.VerticalLine(mean, 3, Bound);
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"mean {mean:F3} ({dtvs.Count:N0} positions)");
        plot.Legend.Alignment = Alignment.UpperRight;
        return Encode(plot, format);
    }

    private static void AddPoints(Plot plot, double[] xs, double[] ys, Color color, MarkerShape shape, float size, double alpha, string label)
    {
        var scatter = plot.Add.ScatterPoints(xs, ys, color.WithAlpha(alpha));
        scatter.MarkerShape = shape;
        scatter.MarkerSize = size;
        scatter.LegendText = label;
    }

    private static void AddBinMeans(Plot plot, IReadOnlyList<AgreementPoint> points, Func<AgreementPoint, double> value, Color color, string label)
    {
        var bins = points.GroupBy(p => Math.Clamp((int)(p.Dtv * MeanBins), 0, MeanBins - 1)).OrderBy(g => g.Key).ToArray();
        if (bins.Length < 2) return;
        var line = plot.Add.ScatterLine(bins.Select(b => b.Average(p => p.Dtv)).ToArray(), bins.Select(b => b.Average(value)).ToArray(), color);
        line.LineWidth = 5;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = label;
    }

    private static Plot NewPlot(string title, string subtitle)
    {
        var plot = new Plot();
        var installed = SkiaSharp.SKFontManager.Default.GetFontFamilies();
        var font = new[] { "DejaVu Serif", "Liberation Serif", "Times New Roman", "Nimbus Roman", "FreeSerif" }
            .FirstOrDefault(name => installed.Contains(name, StringComparer.OrdinalIgnoreCase)) ?? Fonts.Default;
        plot.Font.Set(font);
        FigureText.Title(plot, FigureText.Wrap(title, 75), 40f);
        plot.Axes.Title.Label.Bold = false;
        FigureText.Subtitle(plot, subtitle);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 28;
        plot.Axes.Left.TickLabelStyle.FontSize = 28;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
        plot.Legend.IsVisible = true;
        plot.Legend.FontSize = 26;
        plot.Legend.FontName = font;
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
        return plot;
    }

    private static byte[] Encode(Plot plot, FigureFormat format) => format switch
    {
        FigureFormat.Png => plot.GetImageBytes(Width, Height, ImageFormat.Png),
        FigureFormat.Svg => System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown figure format"),
    };
}
