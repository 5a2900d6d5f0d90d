using System.Globalization;
using DISD.Batch;
using DISD.IO;
using DISD.Tokenization;

namespace DISD.Cli.Commands;

/// <summary>A prompt as given: its text (names the data folder) and, for --prompt-ids, the exact ids.</summary>
internal sealed record PromptRequest(string Text, IReadOnlyList<int>? Ids, string Source, int Index = 0);

/// <summary>A prompt ready to run: the ids fed to the models, its result folder and, with --chat, the rendered chat prompt.</summary>
/// <param name="Source">Where the prompt was given (--input-text, or --prompts-file FILE line N), for messages about this prompt.</param>
internal sealed record PreparedPrompt(string Text, IReadOnlyList<int> Ids, string FolderName, ChatPrompt? Chat, int Index = 0, string Source = "");

/// <summary>Reads and checks the prompts of generate-distribution before any model is loaded or file written.</summary>
internal static class GenerateDistributionPrompts
{
    /// <summary>The prompts of --prompts-file in <paramref name="shard"/>, else the one of --input-text / --prompt-ids.</summary>
    public static IReadOnlyList<PromptRequest> Read(string? inputText, string? promptIds, string? promptsFile, ShardSpec? shard = null)
    {
        if (promptsFile is not null)
        {
            if (inputText is not null || promptIds is not null)
                throw new DisdException("--prompts-file cannot be combined with --input-text or --prompt-ids");
            return ReadFile(promptsFile, shard ?? ShardSpec.All);
        }

        if (shard is not null)
            throw new DisdException("--shard splits a --prompts-file; give one, or leave out --shard for a single prompt");

        if (promptIds is not null)
            return [new PromptRequest(inputText ?? "", ParseIds(promptIds), "--prompt-ids")];
        if (inputText is null)
            throw new DisdException("give the prompt with --input-text (or --prompt-ids, or --prompts-file for several)");
        if (string.IsNullOrWhiteSpace(inputText))
            throw new DisdException("--input-text is empty; give a prompt");
        return [new PromptRequest(inputText, null, "--input-text")];
    }

    /// <summary>Encodes each prompt with <paramref name="tokenizer"/> (the large model's; chat template when asked) and
    /// checks ids against the vocabulary and that no two prompts share a result folder.</summary>
    public static IReadOnlyList<PreparedPrompt> Prepare(IReadOnlyList<PromptRequest> requests, TextTokenizer tokenizer, int vocab, bool chat, DateTime chatDate)
    {
        var prepared = new List<PreparedPrompt>();
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var chatPrompt = chat && request.Ids is null ? tokenizer.EncodeChat(request.Text, chatDate) : null;
            var ids = request.Ids ?? chatPrompt?.Ids ?? tokenizer.Encode(request.Text);
            if (request.Ids is not null)
            {
                if (chat) throw new DisdException("--chat applies to a text prompt; --prompt-ids are used as given");
                foreach (var id in ids)
                {
                    if (id < 0 || id >= vocab)
                        throw new DisdException($"--prompt-ids: token id {id} is outside the vocabulary (0…{vocab - 1})");
                }
            }

            var text = request.Text.Length > 0 ? request.Text : tokenizer.Decode(ids);
            if (string.IsNullOrWhiteSpace(text))
                throw new DisdException($"{request.Source}: the prompt decodes to an empty text; give --input-text to name the data folder");
            var folder = FolderName(text, request.Source);
            if (!folders.TryAdd(folder, request.Source))
                throw new DisdException($"{request.Source} gives the data folder '{folder}' that {folders[folder]} already gives; each prompt needs its own "
                    + "folder");
            prepared.Add(new PreparedPrompt(text, ids, folder, chatPrompt, request.Index, request.Source));
        }

        return prepared;
    }

    private static string FolderName(string text, string source)
    {
        try
        {
            return TextSanitizer.FolderName(text);
        }
        catch (DisdException e)
        {
            throw new DisdException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>The prompts of <paramref name="shard"/>; folder names are checked over the whole file first.</summary>
    private static IReadOnlyList<PromptRequest> ReadFile(string path, ShardSpec shard)
    {
        var lines = PromptsFile.Read(path);
        PromptsFile.FolderNames(lines, path);
        return lines.Where(p => shard.Includes(p.Index))
            .Select(p => new PromptRequest(p.Text, null, $"--prompts-file {path} line {p.Line}", p.Index))
            .ToList();
    }

    private static IReadOnlyList<int> ParseIds(string text)
    {
        var parts = text.Split([',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new DisdException("--prompt-ids is empty; give at least one token id");
        return parts.Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw new DisdException($"--prompt-ids: '{part}' is not a token id (comma or space separated integers expected)"))
            .ToArray();
    }
}
