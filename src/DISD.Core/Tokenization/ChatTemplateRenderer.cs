using DISD.Templating;

namespace DISD.Tokenization;

/// <summary>One turn of a conversation.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders a checkpoint's chat template as transformers'
/// <c>apply_chat_template(messages, add_generation_prompt=…, tokenize=False)</c> does: the template sees
/// <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (None), the special tokens that
/// are set, <c>raise_exception(msg)</c> and <c>strftime_now(fmt)</c>. The date of <c>strftime_now</c> is the
/// caller's, so runs are reproducible.
/// </summary>
public static class ChatTemplateRenderer
{
    /// <param name="specialTokens">bos_token, eos_token, unk_token, pad_token … as in tokenizer_config.json; null ones are left undefined, as transformers
    /// does.</param>
    /// <param name="extraVariables">More template variables, as keyword arguments of apply_chat_template (e.g. enable_thinking, tools).</param>
    public static string Render(
        ChatTemplateText template,
        IReadOnlyList<ChatMessage> messages,
        bool addGenerationPrompt,
        IReadOnlyDictionary<string, string?> specialTokens,
        DateTime date,
        IReadOnlyDictionary<string, object?>? extraVariables = null)
    {
        JinjaTemplate parsed;
        try
        {
            parsed = JinjaTemplate.Parse(template.Text, template.SourcePath);
        }
        catch (TemplateException e)
        {
            // The interpreter's errors are the user's (a template outside the supported subset): one line, no trace.
            throw new DisdException(e.Message, e);
        }

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal) { ["tools"] = null, ["documents"] = null };
        foreach (var (name, token) in specialTokens)
        {
            if (token is not null)
            {
                variables[name] = token;
            }
        }

        foreach (var (name, value) in extraVariables ?? new Dictionary<string, object?>())
        {
            variables[name] = value;
        }

        variables["messages"] = messages.Select(m => new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList();
        variables["add_generation_prompt"] = addGenerationPrompt;
        variables["raise_exception"] = new JinjaFunction((args, _) =>
            throw new DisdException($"{template.SourcePath}: chat template raised: {(args.Count > 0 ? args[0] as string ?? "" : "")}"));
        variables["strftime_now"] = new JinjaFunction((args, _) =>
            Strftime.Format(date,
                args.Count > 0 && args[0] is string format ? format
                : throw new DisdException($"{template.SourcePath}: chat template called strftime_now without a format string")));
        try
        {
            return parsed.Render(variables);
        }
        catch (TemplateException e)
        {
            throw new DisdException(e.Message, e);
        }
    }
}
