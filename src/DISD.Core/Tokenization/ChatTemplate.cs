namespace DISD.Tokenization;

/// <summary>Chat formats with a built-in single-turn template, recognised by their special tokens.</summary>
public enum ChatTemplateFamily
{
    /// <summary><c>&lt;start_of_turn&gt;user … &lt;end_of_turn&gt;</c> (Gemma 1/2/3).</summary>
    Gemma,

    /// <summary><c>&lt;|start_header_id|&gt;user&lt;|end_header_id|&gt; … &lt;|eot_id|&gt;</c> (Llama 3.x).</summary>
    Llama3,

    /// <summary><c>&lt;|im_start|&gt;user … &lt;|im_end|&gt;</c> (Qwen2, Qwen2.5).</summary>
    ChatMl,
}

/// <summary>
/// Fallback chat templates for checkpoints that ship none (no <c>chat_template</c> in tokenizer_config.json, no
/// chat_template.jinja), chosen by the tokenizer's special tokens. They are Jinja like real templates and render through
/// the same interpreter; each follows its family's Hugging Face template for plain user/assistant/system turns.
/// </summary>
internal static class ChatTemplate
{
    private static readonly (ChatTemplateFamily Family, string[] Markers)[] Families =
    [
        (ChatTemplateFamily.Gemma, ["<start_of_turn>", "<end_of_turn>"]),
        (ChatTemplateFamily.Llama3, ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]),
        (ChatTemplateFamily.ChatMl, ["<|im_start|>", "<|im_end|>"]),
    ];

    public static ChatTemplateFamily? Detect(Func<string, bool> isSingleToken)
    {
        foreach (var (family, markers) in Families)
        {
            if (markers.All(isSingleToken))
            {
                return family;
            }
        }

        return null;
    }

    public static string EndOfTurnToken(ChatTemplateFamily family) => family switch
    {
        ChatTemplateFamily.Gemma => "<end_of_turn>",
        ChatTemplateFamily.Llama3 => "<|eot_id|>",
        ChatTemplateFamily.ChatMl => "<|im_end|>",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown chat template family"),
    };

    /// <summary>The built-in template of <paramref name="family"/>, named "built-in &lt;family&gt; template" in errors and manifests.</summary>
    public static ChatTemplateText BuiltIn(ChatTemplateFamily family) => new(family switch
    {
        // Gemma's: system text joins the first user turn; the assistant role is "model".
        ChatTemplateFamily.Gemma =>
            "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first = messages[0]['content'] + '\n\n' %}{% set messages = messages[1:] %}"
            + "{% else %}{% set first = '' %}{% endif %}"
            + "{% for message in messages %}{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
            + "<start_of_turn>{{ role }}\n{{ (first if loop.first else '') + message['content'] | trim }}<end_of_turn>\n{% endfor %}"
            + "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}",
        ChatTemplateFamily.Llama3 =>
            "{{ bos_token }}{% for message in messages %}"
            + "<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n{{ message['content'] | trim }}<|eot_id|>{% endfor %}"
            + "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}",
        // Qwen2's: a default system turn when the conversation has none.
        ChatTemplateFamily.ChatMl =>
            "{% if messages[0]['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
            + "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown chat template family"),
    }, $"built-in {family.ToString().ToLowerInvariant()} template");
}
