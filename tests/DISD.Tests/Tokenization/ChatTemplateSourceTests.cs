using DISD.Tests.IO;
using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

public class ChatTemplateSourceTests
{
    [Fact]
    public void No_template_is_null()
    {
        using var dir = new TempFolder();
        Assert.Null(ChatTemplateSource.Find(dir.Path));
        dir.WriteText("tokenizer_config.json", "{\"bos_token\": \"<s>\"}");
        Assert.Null(ChatTemplateSource.Find(dir.Path));
    }

    [Fact]
    public void Chat_template_jinja_wins_over_tokenizer_config()
    {
        using var dir = new TempFolder();
        dir.WriteText("tokenizer_config.json", "{\"chat_template\": \"from config\"}");
        Assert.Equal(new ChatTemplateText("from config", dir.File("tokenizer_config.json")), ChatTemplateSource.Find(dir.Path));
        dir.WriteText("chat_template.jinja", "from jinja file");
        Assert.Equal(new ChatTemplateText("from jinja file", dir.File("chat_template.jinja")), ChatTemplateSource.Find(dir.Path));
    }

    [Fact]
    public void A_list_of_named_templates_uses_default()
    {
        using var dir = new TempFolder();
        dir.WriteText("tokenizer_config.json",
            "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}]}");
        Assert.Equal("D", ChatTemplateSource.Find(dir.Path)!.Text);
        dir.WriteText("tokenizer_config.json", "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}]}");
        var e = Assert.Throws<DisdException>(() => ChatTemplateSource.Find(dir.Path));
        Assert.StartsWith(dir.File("tokenizer_config.json") + ": chat_template lists templates (tool_use) but none named \"default\"", e.Message);
    }

    [Fact]
    public void The_renderer_passes_what_transformers_passes()
    {
        var template = new ChatTemplateText(
            "{{ bos_token is defined }}|{{ eos_token }}|{{ tools is none }}|{{ documents is none }}|{{ add_generation_prompt }}|{{ messages[0].role }}:"
                + "{{ messages[0]['content'] }}|{{ strftime_now('%d %b %Y') }}",
            "dir/tokenizer_config.json");
        string rendered = ChatTemplateRenderer.Render(template, [new ChatMessage("user", "hi")], addGenerationPrompt: true,
            new Dictionary<string, string?> { ["bos_token"] = null, ["eos_token"] = "</s>" }, new DateTime(2024, 7, 26));
        Assert.Equal("False|</s>|True|True|True|user:hi|26 Jul 2024", rendered);
    }

    [Fact]
    public void Raise_exception_names_the_template_source()
    {
        var template = new ChatTemplateText("{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}",
            "dir/tokenizer_config.json");
        var e = Assert.Throws<DisdException>(() => ChatTemplateRenderer.Render(template, [], true, new Dictionary<string, string?>(), DateTime.UnixEpoch));
        Assert.Equal("dir/tokenizer_config.json: chat template raised: Conversation roles must alternate user/assistant/user/assistant/...", e.Message);
    }
}
