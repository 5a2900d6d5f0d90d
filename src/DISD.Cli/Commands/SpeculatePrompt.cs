using System.Globalization;
using DISD.Tokenization;

namespace DISD.Cli.Commands;

/// <summary>Turns --input-text / --prompt-ids / a --prompts-file line into prompt token ids, and checks them.</summary>
internal static class SpeculatePrompt
{
    public static IReadOnlyList<int> FromText(string text, TextTokenizer tokenizer, bool chat, DateTime chatDate, string source)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DisdException($"{source}: the prompt is empty; give some text");
        }

        var ids = chat ? tokenizer.EncodeChat(text, chatDate).Ids : tokenizer.Encode(text);
        return ids.Count > 0 ? ids : throw new DisdException($"{source}: the prompt encodes to no tokens");
    }

    /// <summary>Comma- or space-separated ids, each in [0, <paramref name="vocab"/>).</summary>
    public static IReadOnlyList<int> FromIds(string text, int vocab)
    {
        var parts = text.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new DisdException("--prompt-ids: the prompt is empty; give at least one token id (e.g. 2 for BOS)");
        }

        var ids = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new DisdException($"--prompt-ids: '{parts[i]}' (item {i + 1}) is not an integer token id");
            }

            if (ids[i] < 0 || ids[i] >= vocab)
            {
                throw new DisdException($"--prompt-ids: token id {ids[i]} (item {i + 1}) is outside the shared vocabulary [0, {vocab})");
            }
        }

        return ids;
    }

    /// <summary>The prompts of <paramref name="path"/> with their line numbers (blank lines skipped), so messages name the file's lines.</summary>
    public static IReadOnlyList<Batch.PromptLine> ReadLines(string path)
    {
        if (path != Batch.PromptsFile.StandardInput && !File.Exists(path))
        {
            throw new DisdException(Directory.Exists(path)
                ? $"--prompts-file {path}: is a folder; expected a file with one prompt per line"
                : $"--prompts-file {path}: no such file");
        }

        return Batch.PromptsFile.Read(path);
    }
}
