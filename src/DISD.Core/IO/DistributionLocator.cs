namespace DISD.IO;

/// <summary>Finds the distribution table of a model for an input text, where the original scripts put it.</summary>
public static class DistributionLocator
{
    public const string FileSuffix = "_probs.csv";

    private const int ListedFiles = 10;

    /// <summary>
    /// The table for <paramref name="modelArg"/>: the argument itself when it names a <c>.csv</c> or <c>.safetensors</c>
    /// file; otherwise <c>&lt;dataDir&gt;/&lt;FolderName(inputText)&gt;/&lt;id&gt;_probs.csv</c> (or
    /// <c>_probs.safetensors</c>) with id the <see cref="TextSanitizer.ModelFileId"/> (<c>google-gemma-2-27b-it</c>) or,
    /// as the original generator named it, the last segment (<c>gemma-2-27b-it</c>).
    /// </summary>
    /// <exception cref="DisdException">No table exists, or one in each format (which one was meant is not known); the
    /// message lists the paths tried and what the folder holds.</exception>
    public static string Resolve(string modelArg, string dataDir, string inputText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(inputText);

        if (DistributionTables.IsTablePath(modelArg) || File.Exists(modelArg))
        {
            return File.Exists(modelArg) ? modelArg : throw new DisdException($"distribution file '{modelArg}' not found");
        }

        var candidates = Candidates(modelArg, dataDir, inputText);
        foreach (var candidate in candidates)
        {
            var binary = BinaryTwin(candidate);
            if (File.Exists(candidate) && File.Exists(binary))
            {
                throw new DisdException($"model '{modelArg}' has a table in each format, '{candidate}' and '{binary}': pass the one to use as --model path");
            }

            if (File.Exists(candidate))
            {
                return candidate;
            }

            if (File.Exists(binary))
            {
                return binary;
            }
        }

        var folder = Path.GetDirectoryName(candidates[0])!;
        var tried = candidates.SelectMany(c => new[] { c, BinaryTwin(c) });
        throw new DisdException(
            $"no distribution table for model '{modelArg}': tried {string.Join(" and ", tried.Select(c => $"'{c}'"))}; {DescribeFolder(folder)} "
            + "(run generate-distribution first, or pass the .csv or .safetensors path)");
    }

    /// <summary>
    /// The CSV paths <see cref="Resolve"/> looks at, in order (for a model argument that is not a table file); beside each
    /// it looks for the same name in <c>_probs.safetensors</c>.
    /// </summary>
    public static IReadOnlyList<string> Candidates(string modelArg, string dataDir, string inputText)
    {
        var folder = Path.Combine(dataDir, TextSanitizer.FolderName(inputText));
        var trimmed = modelArg.Trim();
        // org/name is also tried as org-name when a local folder of that name made ModelFileId take the last segment.
        var repoIdForm = trimmed.Count(c => c == '/') == 1 && !Path.IsPathRooted(trimmed) && !trimmed.StartsWith('.') && !trimmed.EndsWith('/')
            ? TextSanitizer.ModelFileId(trimmed.Replace('/', '-'))
            : null;
        return new[] { TextSanitizer.ModelFileId(modelArg), repoIdForm, TextSanitizer.ModelBaseName(modelArg) }
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(id => Path.Combine(folder, id + FileSuffix))
            .ToArray();
    }

    private static string BinaryTwin(string csvCandidate) =>
        csvCandidate[..^FileSuffix.Length] + DistributionTables.SafetensorsSuffix;

    private static string DescribeFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return $"the folder '{folder}' does not exist";
        }

        var tables = Directory.EnumerateFiles(folder, "*" + FileSuffix)
            .Concat(Directory.EnumerateFiles(folder, "*" + DistributionTables.SafetensorsSuffix))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (tables.Count == 0)
        {
            return $"the folder '{folder}' holds no *{FileSuffix} or *{DistributionTables.SafetensorsSuffix} files";
        }

        var shown = string.Join(", ", tables.Take(ListedFiles));
        var more = tables.Count > ListedFiles ? $" and {tables.Count - ListedFiles} more" : "";
        return $"the folder '{folder}' holds {shown}{more}";
    }
}
