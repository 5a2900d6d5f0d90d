namespace DISD.IO;

/// <summary>Finds the distribution table of a model for an input text, where the original scripts put it.</summary>
public static class DistributionLocator
{
    public const string FileSuffix = "_probs.csv";

    private const int ListedFiles = 10;

    /// <summary>
    /// The table for <paramref name="modelArg"/>: the argument itself when it names a <c>.csv</c> file; otherwise
    /// <c>&lt;dataDir&gt;/&lt;FolderName(inputText)&gt;/&lt;id&gt;_probs.csv</c> with id the <see cref="TextSanitizer.ModelFileId"/>
    /// (<c>google-gemma-2-27b-it</c>) or, as the original generator named it, the last segment (<c>gemma-2-27b-it</c>).
    /// </summary>
    /// <exception cref="DisdException">No table exists; the message lists the paths tried and what the folder holds.</exception>
    public static string Resolve(string modelArg, string dataDir, string inputText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(inputText);

        if (modelArg.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || File.Exists(modelArg))
        {
            return File.Exists(modelArg) ? modelArg : throw new DisdException($"distribution file '{modelArg}' not found");
        }

        var candidates = Candidates(modelArg, dataDir, inputText);
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var folder = Path.GetDirectoryName(candidates[0])!;
        throw new DisdException(
            $"no distribution table for model '{modelArg}': tried {string.Join(" and ", candidates.Select(c => $"'{c}'"))}; {DescribeFolder(folder)} "
            + "(run generate-distribution first, or pass the .csv path)");
    }

    /// <summary>The paths <see cref="Resolve"/> looks at, in order (for a model argument that is not a .csv file).</summary>
    public static IReadOnlyList<string> Candidates(string modelArg, string dataDir, string inputText)
    {
        var folder = Path.Combine(dataDir, TextSanitizer.FolderName(inputText));
        return new[] { TextSanitizer.ModelFileId(modelArg), TextSanitizer.ModelBaseName(modelArg) }
            .Distinct(StringComparer.Ordinal)
            .Select(id => Path.Combine(folder, id + FileSuffix))
            .ToArray();
    }

    private static string DescribeFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return $"the folder '{folder}' does not exist";
        }

        var tables = Directory.EnumerateFiles(folder, "*" + FileSuffix)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (tables.Count == 0)
        {
            return $"the folder '{folder}' holds no *{FileSuffix} files";
        }

        var shown = string.Join(", ", tables.Take(ListedFiles));
        var more = tables.Count > ListedFiles ? $" and {tables.Count - ListedFiles} more" : "";
        return $"the folder '{folder}' holds {shown}{more}";
    }
}
