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
/// Single user turn prompts, as the families' Hugging Face chat templates render them with
/// <c>add_generation_prompt=True</c>, minus the leading BOS (encode with <c>addBos</c> to get it).
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

    public static string Render(ChatTemplateFamily family, string userText) => family switch
    {
        ChatTemplateFamily.Gemma => $"<start_of_turn>user\n{userText}<end_of_turn>\n<start_of_turn>model\n",
        ChatTemplateFamily.Llama3 => $"<|start_header_id|>user<|end_header_id|>\n\n{userText}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        // Qwen2's template inserts this system turn when the conversation has none.
        ChatTemplateFamily.ChatMl => $"<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{userText}<|im_end|>\n<|im_start|>assistant\n",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown chat template family"),
    };
}
