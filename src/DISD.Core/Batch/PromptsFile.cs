namespace DISD.Batch;

/// <summary>One prompt of a prompts file: its 0-based index among the file's prompts and its 1-based line number.</summary>
public sealed record PromptLine(int Index, int Line, string Text);

/// <summary>
/// The prompts file format every verb reads (<c>--prompts-file</c>): one prompt per line, blank lines skipped, a
/// trailing carriage return removed. The prompt index (what <see cref="ShardSpec"/> partitions) counts prompts, not lines.
/// </summary>
public static class PromptsFile
{
    /// <summary>The path that means standard input, as for most Unix tools (<c>grep … | disd … --prompts-file -</c>).</summary>
    public const string StandardInput = "-";

    public static IReadOnlyList<PromptLine> Read(string path, string option = "--prompts-file")
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DisdException($"{option} is empty; give the path of a file with one prompt per line (- for standard input)");
        if (Directory.Exists(path))
            throw new DisdException($"{option} {path} is a folder; give a text file with one prompt per line");
        string[] lines;
        try
        {
            lines = path == StandardInput ? ReadStandardInput() : File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"{option} {path}: cannot read it ({e.Message})", e);
        }

        var prompts = lines
            .Select((line, index) => (Text: line.TrimEnd('\r'), Line: index + 1))
            .Where(p => !string.IsNullOrWhiteSpace(p.Text))
            .Select((p, index) => new PromptLine(index, p.Line, p.Text))
            .ToList();
        return prompts.Count > 0 ? prompts : throw new DisdException($"{option} {path} holds no prompt (one per line expected)");
    }

    private static string[] ReadStandardInput()
    {
        var lines = new List<string>();
        while (Console.In.ReadLine() is { } line)
            lines.Add(line);
        return [.. lines];
    }

    /// <summary>
    /// The result folder name of every prompt (<see cref="IO.TextSanitizer.FolderName"/>), checked over the whole file
    /// so that every shard refuses the same file: two prompts that give one folder ("What is a lion?" and "What is a
    /// lion") would overwrite each other's results.
    /// </summary>
    public static IReadOnlyList<string> FolderNames(IReadOnlyList<PromptLine> prompts, string path, string option = "--prompts-file")
    {
        var seen = new Dictionary<string, PromptLine>(StringComparer.Ordinal);
        var names = new List<string>(prompts.Count);
        foreach (var prompt in prompts)
        {
            string name;
            try
            {
                name = IO.TextSanitizer.FolderName(prompt.Text);
            }
            catch (DisdException e)
            {
                throw new DisdException($"{option} {path} line {prompt.Line}: {e.Message}", e);
            }

            if (!seen.TryAdd(name, prompt))
                throw new DisdException($"{option} {path}: lines {seen[name].Line} and {prompt.Line} both give the result folder '{name}'; each prompt needs "
                    + "its own folder (remove or reword one)");
            names.Add(name);
        }

        return names;
    }
}
