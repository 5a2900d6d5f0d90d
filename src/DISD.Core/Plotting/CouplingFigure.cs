using DISD.Couplings;
using DISD.IO;
using ScottPlot;

namespace DISD.Plotting;

/// <summary>
/// The paper's coupling figure: agreement probability Pr[a = b] against D_TV(P,Q) for Gumbel sampling and weighted
/// MinHash, with the optimal coupling 1 − D_TV and the Theorem 3 bound (1 − D_TV)/(1 + D_TV).
/// </summary>
public static class CouplingFigure
{
    public const int Width = 1800;
    public const int Height = 1400;

    private const int CurvePoints = 201;
    private const int TitleChars = 75;
    private static readonly string[] SerifFonts = ["DejaVu Serif", "Liberation Serif", "Times New Roman", "Nimbus Roman", "FreeSerif"];

    internal static readonly Color Optimal = Color.FromHex("#1f77b4");
    internal static readonly Color Bound = Color.FromHex("#d62728");
    internal static readonly Color GumbelColor = Color.FromHex("#8B008B");
    internal static readonly Color WmhColor = Color.FromHex("#556B2F");
    private static readonly Color[] ListColors =
        [Color.FromHex("#ff7f0e"), Color.FromHex("#17becf"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22")];

    /// <summary>Renders the figure of <paramref name="results"/> and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, string title, IReadOnlyList<PositionCoupling> results, FigureFormat format) =>
        AtomicFile.WriteAllBytes(path, Render(title, results, format));

    /// <summary>The figure of <paramref name="results"/> as PNG or SVG bytes, <see cref="Width"/> × <see cref="Height"/> pixels.</summary>
    /// <param name="subtitle">A line under the title that identifies the figure (model pair, trials, engine, seed); none when null.</param>
    public static byte[] Render(string title, IReadOnlyList<PositionCoupling> results, FigureFormat format, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(results);
        var points = results
            .Select(r => new CouplingPoint(r.Dtv, r.Gumbel.Rate, r.Gumbel.StandardError, r.GumbelExact, r.Wmh.Rate, r.Wmh.StandardError, r.WmhExact))
            .ToArray();
        var lists = ListSeries(results);
        return Render(title, points, format, subtitle, lists);
    }

    /// <summary>Per list size K &gt; 1 (K = 1 is the Gumbel series): D_TV, Monte-Carlo rate, its error and the exact value.</summary>
    private static IReadOnlyList<ListSeriesPoints> ListSeries(IReadOnlyList<PositionCoupling> results)
    {
        if (results.Count == 0)
            return [];
        return results[0].Lists.Select((list, index) => (list.Size, index)).Where(item => item.Size > 1)
            .Select(item => new ListSeriesPoints(item.Size,
                results.Select(r => r.Dtv).ToArray(),
                results.Select(r => r.Lists[item.index].MonteCarlo.Rate).ToArray(),
                results.Select(r => r.Lists[item.index].MonteCarlo.StandardError).ToArray(),
                results.Select(r => r.Lists[item.index].Exact).ToArray()))
            .ToArray();
    }

    private sealed record ListSeriesPoints(int Size, double[] Dtv, double[] Rate, double[] StdErr, double[] Exact);

    internal static byte[] Render(string title, IReadOnlyList<CouplingPoint> points, FigureFormat format, string? subtitle = null) =>
        Render(title, points, format, subtitle, []);

    private static byte[] Render(string title, IReadOnlyList<CouplingPoint> points, FigureFormat format, string? subtitle,
        IReadOnlyList<ListSeriesPoints> lists)
    {
        using var plot = Build(title, points, subtitle, lists);
        return format switch
        {
            FigureFormat.Png => plot.GetImageBytes(Width, Height, ImageFormat.Png),
            FigureFormat.Svg => System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown figure format"),
        };
    }

    private static Plot Build(string title, IReadOnlyList<CouplingPoint> points, string? subtitle, IReadOnlyList<ListSeriesPoints> lists)
    {
        var plot = new Plot();
        // A serif font when the machine has one; otherwise ScottPlot's default (a fresh machine may have no fonts at all).
        var installed = SkiaSharp.SKFontManager.Default.GetFontFamilies();
        var font = SerifFonts.FirstOrDefault(name => installed.Contains(name, StringComparer.OrdinalIgnoreCase)) ?? Fonts.Default;
        plot.Font.Set(font);

        AddCurves(plot);
        AddRates(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.Gumbel).ToArray(),
            points.Select(p => p.GumbelStdErr).ToArray(), GumbelColor, MarkerShape.FilledCircle, "Gumbel Sampling");
        AddRates(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.Wmh).ToArray(),
            points.Select(p => p.WmhStdErr).ToArray(), WmhColor, MarkerShape.FilledDiamond, "Weighted MinHash");
        AddExact(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.GumbelExact).ToArray(), GumbelColor, MarkerShape.OpenCircle, "Gumbel (exact)");
        AddExact(plot, points.Select(p => p.Dtv).ToArray(), points.Select(p => p.WmhExact).ToArray(), WmhColor, MarkerShape.OpenDiamond,
            "Weighted MinHash (exact)");
        for (var i = 0; i < lists.Count; i++)
        {
            var list = lists[i];
            var color = ListColors[i % ListColors.Length];
            AddRates(plot, list.Dtv, list.Rate, list.StdErr, color, MarkerShape.FilledSquare, $"Gumbel list, K = {list.Size}");
            AddExact(plot, list.Dtv, list.Exact, color, MarkerShape.OpenSquare, $"Gumbel list, K = {list.Size} (exact)");
        }

        Style(plot, title, font, lists.Count > 0 ? "Pr[a = b], Pr[b ∈ list]" : "Pr[a = b]");
        FigureText.Subtitle(plot, subtitle);
        return plot;
    }

    /// <summary>The optimal coupling 1 − D and the paper's (1 − D)/(1 + D) bound; <paramref name="dtv"/> names D in the legend.</summary>
    internal static void AddCurves(Plot plot, string dtv = "D_TV(P,Q)")
    {
        var xs = Enumerable.Range(0, CurvePoints).Select(i => i / (double)(CurvePoints - 1)).ToArray();
        var optimal = plot.Add.ScatterLine(xs, xs.Select(x => 1 - x).ToArray(), Optimal);
        optimal.LineWidth = 4;
        optimal.LegendText = $"1 − {dtv} (Optimal)";

        var bound = plot.Add.ScatterLine(xs, xs.Select(x => (1 - x) / (1 + x)).ToArray(), Bound);
        bound.LineWidth = 4;
        bound.LegendText = "(1−D_TV)/(1+D_TV) (Thm. 3 Bound)";
    }

    private static void AddRates(Plot plot, double[] dtv, double[] rate, double[] stdErr, Color color, MarkerShape shape, string label)
    {
        if (stdErr.Any(e => e > 0))
        {
            var bars = plot.Add.ErrorBar(dtv, rate, stdErr);
            bars.Color = color;
            bars.LineWidth = 2;
            bars.CapSize = 8;
        }

        var scatter = plot.Add.ScatterPoints(dtv, rate, color);
        scatter.MarkerShape = shape;
        scatter.MarkerSize = 18;
        scatter.LegendText = label;
    }

    private static void AddExact(Plot plot, double[] dtv, double[] exact, Color color, MarkerShape shape, string label)
    {
        var scatter = plot.Add.ScatterPoints(dtv, exact, color);
        scatter.MarkerShape = shape;
        scatter.MarkerSize = 26;
        scatter.MarkerLineWidth = 2;
        scatter.LegendText = label;
    }

    private static void Style(Plot plot, string title, string font, string yLabel)
    {
        // Long input texts are wrapped onto several lines at the full size, not shrunk.
        FigureText.Title(plot, FigureText.Wrap(title, TitleChars), 40f);
        plot.XLabel("D_TV(P,Q)", size: 36);
        plot.YLabel(yLabel, size: 36);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 28;
        plot.Axes.Left.TickLabelStyle.FontSize = 28;
        plot.Axes.Title.Label.Bold = false;
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
        plot.Grid.MajorLineWidth = 1.5f;

        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 28;
        plot.Legend.FontName = font;
        plot.Legend.SymbolWidth = 50;
        plot.Legend.SymbolPadding = 14;
        plot.Legend.OutlineColor = Colors.Black.WithAlpha(0.3);
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
    }
}
