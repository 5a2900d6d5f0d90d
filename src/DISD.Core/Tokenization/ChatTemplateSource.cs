using System.Text.Json;

namespace DISD.Tokenization;

/// <summary>A checkpoint's own chat template and the file it came from.</summary>
public sealed record ChatTemplateText(string Text, string SourcePath);

/// <summary>
/// Finds a checkpoint's chat template where transformers looks: <c>chat_template.jinja</c> in the folder, else the
/// <c>chat_template</c> of <c>tokenizer_config.json</c> (a string, or a list of <c>{name, template}</c> whose
/// "default" entry is used).
/// </summary>
public static class ChatTemplateSource
{
    public const string JinjaFileName = "chat_template.jinja";
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    /// <summary>The template, or null when the checkpoint has none.</summary>
    public static ChatTemplateText? Find(string checkpointDir)
    {
        string jinjaPath = Path.Combine(checkpointDir, JinjaFileName);
        if (File.Exists(jinjaPath))
        {
            return new ChatTemplateText(File.ReadAllText(jinjaPath), jinjaPath);
        }

        string configPath = Path.Combine(checkpointDir, TokenizerConfigFileName);
        if (!File.Exists(configPath))
        {
            return null;
        }

        using var config = ParseJson(configPath);
        if (config.RootElement.ValueKind != JsonValueKind.Object || !config.RootElement.TryGetProperty("chat_template", out var template))
        {
            return null;
        }

        return template.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => new ChatTemplateText(template.GetString()!, configPath),
            JsonValueKind.Array => new ChatTemplateText(DefaultOfNamedTemplates(template, configPath), configPath),
            _ => throw new DisdException($"{configPath}: chat_template must be a string or a list of {{name, template}}, got {template.ValueKind}"),
        };
    }

    private static string DefaultOfNamedTemplates(JsonElement templates, string configPath)
    {
        var names = new List<string>();
        foreach (var entry in templates.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("template", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new DisdException($"{configPath}: each chat_template entry must be {{\"name\": string, \"template\": string}}");
            }

            if (name.GetString() == "default")
            {
                return text.GetString()!;
            }

            names.Add(name.GetString()!);
        }

        throw new DisdException($"{configPath}: chat_template lists templates ({string.Join(", ", names)}) but none named \"default\"");
    }

    // tokenizer_config.json is read by the same rules as TokenizerSettings reads it.
    private static JsonDocument ParseJson(string path) => IO.StrictJson.ReadFile(path, TokenizerSettings.ConfigRules);
}
