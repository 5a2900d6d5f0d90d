namespace DISD.Plotting;

/// <summary>Image formats of the figures.</summary>
public enum FigureFormat
{
    Png,
    Svg,
}
