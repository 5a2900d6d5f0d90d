using DISD.Tokenization;

namespace DISD.Tests.Tokenization;

/// <summary>Real chat templates rendered as @huggingface/jinja renders them (scripts/fidelity/make-chat-template-references.mjs).</summary>
public class ChatTemplateReferenceTests
{
    public static TheoryData<string, int> Cases => ChatTemplateFixtures.AllCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendering_matches_the_reference(string template, int index)
    {
        var (tokens, date, cases) = ChatTemplateFixtures.Load(template);
        var c = cases[index];
        var text = ChatTemplateFixtures.Template(template);

        if (c.Raises is not null)
        {
            var e = Assert.Throws<DisdException>(() => ChatTemplateRenderer.Render(text, c.Messages, c.AddGenerationPrompt, tokens, date, c.Extra));
            Assert.Equal($"{text.SourcePath}: chat template raised: {c.Raises}", e.Message);
            return;
        }

        Assert.Equal(c.Expected, ChatTemplateRenderer.Render(text, c.Messages, c.AddGenerationPrompt, tokens, date, c.Extra));
    }

    [Fact]
    public void Every_fixture_template_has_cases_and_some_raise()
    {
        var all = ChatTemplateFixtures.Templates.SelectMany(t => ChatTemplateFixtures.Load(t).Cases).ToList();
        Assert.True(all.Count >= 30);
        Assert.Contains(all, c => c.Raises is not null);
    }
}
