using System.Security.Cryptography;
using System.Text;

namespace DISD.IO;

/// <summary>Turns user text into file and folder names that stay inside the folder they are joined to.</summary>
public static class TextSanitizer
{
    /// <summary>Longest folder name, in UTF-8 bytes (file systems allow 255; room is left for suffixes).</summary>
    public const int MaxFolderNameBytes = 200;

    private const int HashChars = 12;

    /// <summary>
    /// The data folder name of an input text, as the original scripts made it (spaces become <c>_</c>, <c>?</c> is
    /// removed), so "What is the Traveling Salesman Problem (TSP)?" gives
    /// <c>What_is_the_Traveling_Salesman_Problem_(TSP)</c>. Unlike the original, path separators, NUL and control
    /// characters become <c>_</c>, and a name longer than <see cref="MaxFolderNameBytes"/> is cut and ends with a hash
    /// of the whole text, so the name can never leave the data folder (texts the original accepted keep its names).
    /// </summary>
    /// <exception cref="DisdException">The text gives an empty name, or one made only of dots.</exception>
    public static string FolderName(string inputText)
    {
        var name = Sanitized(inputText);
        return Encoding.UTF8.GetByteCount(name) <= MaxFolderNameBytes ? name : Shorten(name, inputText);
    }

    /// <summary>
    /// A file name for a prompt's output (plot-coupling's figure): <see cref="FolderName"/> + <paramref name="suffix"/> +
    /// <paramref name="extension"/>. When that is too long, the prompt's text is cut further but keeps the hash its data
    /// folder ends with, so a long prompt's folder and figure can be matched by eye (they carried different hashes).
    /// </summary>
    public static string PromptFileName(string inputText, string suffix, string extension)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        ArgumentNullException.ThrowIfNull(extension);
        var folder = FolderName(inputText);
        var tail = Encoding.UTF8.GetByteCount(suffix + extension);
        if (Encoding.UTF8.GetByteCount(folder) + tail <= MaxFolderNameBytes) return folder + suffix + extension;
        // Too little room left for any of the prompt's text: a name of its own (a very long model pair).
        if (MaxFolderNameBytes - tail < HashChars + 1 + 16) return ResultFileName(folder + suffix, extension);
        return ShortenTo(Sanitized(inputText), inputText, MaxFolderNameBytes - tail) + suffix + extension;
    }

    private static string Sanitized(string inputText)
    {
        ArgumentNullException.ThrowIfNull(inputText);
        var builder = new StringBuilder(inputText.Length);
        foreach (var c in inputText)
        {
            if (c == '?')
            {
                continue;
            }

            builder.Append(c == ' ' || IsUnsafe(c) ? '_' : c);
        }

        var name = builder.ToString();
        if (name.Length == 0)
        {
            throw new DisdException($"the input text '{inputText}' gives an empty folder name; give a text with other characters than '?'");
        }

        if (name.All(c => c == '.'))
        {
            throw new DisdException($"the input text '{inputText}' gives the folder name '{name}', which is not allowed");
        }

        return name;
    }

    /// <summary>
    /// The id of a model in file names: a Hugging Face repo id <c>org/name</c> gives <c>org-name</c>; a path to a
    /// checkpoint folder (one that exists, or that is written as a path: absolute, with <c>./</c>, <c>../</c>, <c>~</c>,
    /// a backslash, a trailing <c>/</c> or more than one <c>/</c>) gives its last segment.
    /// </summary>
    public static string ModelFileId(string modelArg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        var trimmed = modelArg.Trim().TrimEnd('/', '\\');
        if (trimmed.Length == 0)
        {
            throw new DisdException($"the model '{modelArg}' has no name");
        }

        var writtenAsFolder = modelArg.TrimEnd().EndsWith('/') || modelArg.TrimEnd().EndsWith('\\');
        var id = writtenAsFolder || LooksLikePath(trimmed) ? LastSegment(trimmed) : trimmed.Replace('/', '-');
        return SafeFileName(id, modelArg);
    }

    /// <summary>The last segment of a model argument (<c>google/gemma-2-27b-it</c> gives <c>gemma-2-27b-it</c>), as the original generator named its
    /// files.</summary>
    public static string ModelBaseName(string modelArg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        return SafeFileName(LastSegment(modelArg.Trim().TrimEnd('/', '\\')), modelArg);
    }

    /// <summary>
    /// <paramref name="stem"/> + <paramref name="extension"/> as a file name of at most <see cref="MaxFolderNameBytes"/>
    /// UTF-8 bytes (the stem shortened with a hash when longer), so that it and its temporary sibling fit the file
    /// system's 255-byte limit.
    /// </summary>
    public static string ResultFileName(string stem, string extension) =>
        Encoding.UTF8.GetByteCount(stem + extension) <= MaxFolderNameBytes ? stem + extension
            : ShortenTo(stem, stem, MaxFolderNameBytes - Encoding.UTF8.GetByteCount(extension)) + extension;

    private static bool LooksLikePath(string arg) =>
        Directory.Exists(arg)
        || Path.IsPathRooted(arg)
        || arg.StartsWith('.')
        || arg.StartsWith('~')
        || arg.Contains('\\')
        || arg.Count(c => c == '/') != 1;

    private static string LastSegment(string path)
    {
        var cut = path.LastIndexOfAny(['/', '\\']);
        return cut < 0 ? path : path[(cut + 1)..];
    }

    private static string SafeFileName(string id, string modelArg)
    {
        var safe = new string(id.Select(c => IsUnsafe(c) ? '_' : c).ToArray());
        if (safe.Length == 0 || safe.All(c => c == '.'))
        {
            throw new DisdException($"the model '{modelArg}' does not give a usable file name");
        }

        return Encoding.UTF8.GetByteCount(safe) <= MaxFolderNameBytes ? safe : Shorten(safe, modelArg);
    }

    private static bool IsUnsafe(char c) => c is '/' or '\\' or '\0' || char.IsControl(c);

    private static string Shorten(string name, string original) => ShortenTo(name, original, MaxFolderNameBytes);

    private static string ShortenTo(string name, string original, int maxBytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(original)))[..HashChars];
        var budget = maxBytes - HashChars - 1;
        var kept = new StringBuilder();
        var bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > budget)
            {
                break;
            }

            kept.Append(rune.ToString());
        }

        return $"{kept}_{hash}";
    }
}
