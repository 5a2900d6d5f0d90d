namespace DISD.Templating;

/// <summary>
/// A template that cannot be parsed or rendered: the message is one line naming the source, the line and what is wrong
/// (an unsupported construct, an undefined value, a type error). This assembly knows nothing of the toolkit's
/// errors, so its callers translate this one (DISD.Tokenization.ChatTemplateRenderer makes it a DisdException).
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message) : base(message)
    {
    }

    public TemplateException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
