using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>
/// --chat on a real tokenizer folder uses the checkpoint's own template: the text equals @huggingface/jinja's
/// rendering of that template (fixtures/chat-templates) and the ids are that text encoded without added special tokens.
/// </summary>
public class CheckpointChatTemplateTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (tokenizer, template) in new[] { ("gemma3", "gemma3"), ("llama3_1", "llama3"), ("qwen3", "qwen3") })
        {
            var cases = ChatTemplateFixtures.Load(template).Cases;
            for (int i = 0; i < cases.Count; i++)
            {
                if (cases[i].Expected is not null && cases[i].AddGenerationPrompt && cases[i].Extra.Count == 0)
                {
                    data.Add(tokenizer, template, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_checkpoint_template_renders_as_the_reference(string tokenizerName, string template, int index)
    {
        var (_, date, cases) = ChatTemplateFixtures.Load(template);
        var tokenizer = TokenizerJsonReferences.Tokenizer(tokenizerName);

        var prompt = tokenizer.EncodeChat(cases[index].Messages, date);

        Assert.Equal(ChatTemplateFixtures.Template(template).Text, tokenizer.CheckpointChatTemplate!.Text);
        Assert.Equal("tokenizer_config.json", prompt.TemplateSource);
        Assert.Equal(cases[index].Expected, prompt.Text);
        Assert.Equal(tokenizer.Encode(prompt.Text, addSpecialTokens: false), prompt.Ids);
    }

    [Fact]
    public void Gemma3_chat_prompt_starts_with_one_bos_and_turn_markers_are_single_tokens()
    {
        var tokenizer = TokenizerJsonReferences.Tokenizer("gemma3");
        var prompt = tokenizer.EncodeChat("Hello!", new DateTime(2024, 7, 26));
        Assert.Equal([2, 105], prompt.Ids.Take(2));
        Assert.Equal(1, prompt.Ids.Count(id => id == 2));
        Assert.Equal(2, prompt.Ids.Count(id => id == 105));
    }

    [Fact]
    public void A_chat_template_jinja_file_takes_precedence_and_its_date_is_recorded()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir("sp-bpe"), "tokenizer.model"));
        dir.Write("chat_template.jinja", "{{ bos_token }}{{ strftime_now('%d %b %Y') }}|{% for m in messages %}{{ m['content'] }}{% endfor %}");
        dir.Write("tokenizer_config.json", """{"bos_token": "<bos>", "chat_template": "ignored"}""");
        var tokenizer = TextTokenizer.Load(dir.Path);

        var prompt = tokenizer.EncodeChat("hi", new DateTime(2024, 7, 26));

        Assert.Equal("<bos>26 Jul 2024|hi", prompt.Text);
        Assert.Equal("chat_template.jinja", prompt.TemplateSource);
        Assert.Equal(new DateOnly(2024, 7, 26), prompt.Date);
    }

    [Fact]
    public void An_unsupported_construct_in_the_checkpoint_template_names_the_file()
    {
        using var dir = TokenizerFixtures.CopyToTemp(Path.Combine(TokenizerFixtures.Dir("sp-bpe"), "tokenizer.model"));
        dir.Write("tokenizer_config.json", """{"chat_template": "{% include 'other.jinja' %}"}""");
        var tokenizer = TextTokenizer.Load(dir.Path);

        var error = Assert.Throws<DisdException>(() => tokenizer.EncodeChat("hi", DateTime.UnixEpoch));

        Assert.Contains("tokenizer_config.json", error.Message);
        Assert.Contains("include", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
