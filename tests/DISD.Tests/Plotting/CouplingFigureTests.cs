using System.Buffers.Binary;
using System.Text;
using DISD.Couplings;
using DISD.Plotting;
using DISD.Tests.IO;
using SkiaSharp;

namespace DISD.Tests.Plotting;

public sealed class CouplingFigureTests : IDisposable
{
    private const string Title = "What is the Traveling Salesman Problem (TSP)?";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static IReadOnlyList<PositionCoupling> SampleResults() => Enumerable.Range(0, 12).Select(i =>
    {
        var dtv = i / 12.0;
        var bound = (1 - dtv) / (1 + dtv);
        return new PositionCoupling(i, dtv, new AgreementEstimate(bound + 0.01, 0.003, 20000), new AgreementEstimate(bound + 0.02, 0.003, 20000),
            bound + 0.012, bound + 0.018, bound, 1 - dtv, bound);
    }).ToList();

    [Fact]
    public void PngIsAPaperSizedImageWithTheCurvesAndMarkers()
    {
        var path = _folder.File("img", "figure.png");

        CouplingFigure.Save(path, Title, SampleResults(), FigureFormat.Png);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.True(width >= 1600, $"width {width}");
        Assert.True(height >= 1200, $"height {height}");

        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal(width, bitmap.Width);
        Assert.True(CountPixels(bitmap, 0x1f, 0x77, 0xb4) > 1000, "the blue 1 − D_TV line");
        Assert.True(CountPixels(bitmap, 0xd6, 0x27, 0x28) > 1000, "the red Theorem 3 bound");
        Assert.True(CountPixels(bitmap, 0x8B, 0x00, 0x8B) > 500, "the purple Gumbel markers");
        Assert.True(CountPixels(bitmap, 0x55, 0x6B, 0x2F) > 500, "the olive weighted MinHash markers");
        Assert.Equal(["img/figure.png"], _folder.AllFiles());
    }

    [Fact]
    public void SvgHasTheTitleAxesAndLegend()
    {
        var svg = Encoding.UTF8.GetString(CouplingFigure.Render(Title, SampleResults(), FigureFormat.Svg));

        Assert.Contains("<svg", svg);
        Assert.EndsWith("</svg>", svg.TrimEnd());
        Assert.Contains("Traveling Salesman Problem (TSP)?", svg);
        Assert.Contains("Pr[a = b]", svg);
        Assert.Contains("Gumbel Sampling", svg);
        Assert.Contains("Weighted MinHash", svg);
        Assert.Contains("(Thm. 3 Bound)", svg);
    }

    private static int CountPixels(SKBitmap bitmap, byte red, byte green, byte blue)
    {
        var count = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            if (Math.Abs(pixel.Red - red) <= 6 && Math.Abs(pixel.Green - green) <= 6 && Math.Abs(pixel.Blue - blue) <= 6)
            {
                count++;
            }
        }

        return count;
    }
}
