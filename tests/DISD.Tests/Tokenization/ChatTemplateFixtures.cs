using System.Text.Json;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>One rendering of tests/DISD.Tests/fixtures/chat-templates/&lt;template&gt;/cases.json.</summary>
public sealed record ChatTemplateCase(
    string Name,
    IReadOnlyList<ChatMessage> Messages,
    bool AddGenerationPrompt,
    IReadOnlyDictionary<string, object?> Extra,
    string? Expected,
    string? Raises);

internal static class ChatTemplateFixtures
{
    public static readonly string[] Templates = ["gemma3", "llama3", "qwen3", "mistral-7b-instruct-v0.1", "coverage"];

    public static string Dir(string template) => Path.Combine(AppContext.BaseDirectory, "fixtures", "chat-templates", template);

    public static ChatTemplateText Template(string template)
    {
        string path = Path.Combine(Dir(template), "template.jinja");
        return new ChatTemplateText(File.ReadAllText(path), path);
    }

    public static (IReadOnlyDictionary<string, string?> SpecialTokens, DateTime Date, IReadOnlyList<ChatTemplateCase> Cases) Load(string template)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(template), "cases.json")));
        var root = doc.RootElement;
        var tokens = root.GetProperty("special_tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        var date = DateTime.Parse(root.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new ChatTemplateCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList(),
            c.GetProperty("add_generation_prompt").GetBoolean(),
            c.TryGetProperty("extra", out var extra)
                ? extra.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                : new Dictionary<string, object?>(),
            c.TryGetProperty("expected", out var expected) ? expected.GetString() : null,
            c.TryGetProperty("raises", out var raises) ? raises.GetString() : null)).ToList();
        return (tokens, date, cases);
    }

    public static TheoryData<string, int> AllCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string template in Templates)
        {
            for (int i = 0; i < Load(template).Cases.Count; i++)
            {
                data.Add(template, i);
            }
        }

        return data;
    }
}
