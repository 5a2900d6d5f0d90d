namespace DISD.Templating;

/// <summary>Where a template came from, to name it and the line in error messages.</summary>
internal sealed class TemplateLocation
{
    private readonly int[] _lineStarts;

    public TemplateLocation(string sourceName, string normalizedSource)
    {
        SourceName = sourceName;
        var starts = new List<int> { 0 };
        for (int i = 0; i < normalizedSource.Length; i++)
        {
            if (normalizedSource[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    public string SourceName { get; }

    public int LineAt(int position)
    {
        int index = Array.BinarySearch(_lineStarts, position);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    public TemplateException Error(int line, string what) => new($"{SourceName}: chat template line {line}: {what}");
}
