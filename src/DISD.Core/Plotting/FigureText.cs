using System.Text;
using ScottPlot;

namespace DISD.Plotting;

/// <summary>Titles that fit a figure: long text wrapped at word boundaries, and a subtitle line under the title.</summary>
public static class FigureText
{
    /// <summary>At most this many lines of a wrapped title; the rest is cut with an ellipsis (the data folder keeps the full prompt).</summary>
    public const int MaxTitleLines = 4;

    /// <summary>
    /// <paramref name="text"/> broken into lines of at most <paramref name="width"/> characters at spaces (a longer word
    /// is cut), at most <see cref="MaxTitleLines"/> lines.
    /// </summary>
    public static string Wrap(string text, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            for (var rest = word; rest.Length > 0;)
            {
                var room = line.Length == 0 ? width : width - line.Length - 1;
                if (rest.Length <= room)
                {
                    if (line.Length > 0) line.Append(' ');
                    line.Append(rest);
                    break;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    continue;
                }

                lines.Add(rest[..width]);
                rest = rest[width..];
            }
        }

        if (line.Length > 0) lines.Add(line.ToString());
        if (lines.Count > MaxTitleLines)
        {
            lines = lines.Take(MaxTitleLines).ToList();
            lines[^1] = lines[^1].Length < width ? lines[^1] + "…" : lines[^1][..(width - 1)] + "…";
        }

        return string.Join('\n', lines);
    }

    /// <summary>A title of one or more lines; the title panel is made tall enough for all of them (ScottPlot sizes it for one).</summary>
    public static void Title(Plot plot, string title, float size)
    {
        plot.Title(title, size: size);
        var lines = title.Count(c => c == '\n') + 1;
        // ScottPlot anchors the first line where a one-line title would sit and sizes the panel for one line:
        // the panel is made tall enough for every line and the text moved up by the extra lines.
        var lineHeight = size * 1.25f;
        plot.Axes.Title.Label.LineSpacing = lineHeight;
        // One line is measured from the font's metrics, several from LineSpacing: the single line needs half a line more.
        plot.Axes.Title.Label.OffsetY = -(lines - 1) * lineHeight - (lines == 1 ? size / 2 : 0);
        plot.Axes.Title.MinimumSize = (2 * lines - 0.4f) * lineHeight + 16;
    }

    /// <summary>Puts <paramref name="subtitle"/> above the data area, under the title (ScottPlot's top-axis label).</summary>
    public static void Subtitle(Plot plot, string? subtitle, float size = 26f)
    {
        if (string.IsNullOrEmpty(subtitle)) return;
        plot.Axes.Top.Label.Text = subtitle;
        plot.Axes.Top.Label.FontSize = size;
        plot.Axes.Top.Label.Bold = false;
        plot.Axes.Top.Label.ForeColor = Colors.Black.WithAlpha(0.75);
    }
}
