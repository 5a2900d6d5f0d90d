namespace DISD.Templating;

/// <summary>
/// An error while evaluating a value (a Python TypeError, an undefined variable used, an unsupported method). The
/// renderer adds the template source and line and rethrows it as a <see cref="TemplateException"/>.
/// </summary>
internal sealed class JinjaRuntimeError(string message) : Exception(message)
{
    public static JinjaRuntimeError Unsupported(string construct) => new($"unsupported Jinja construct '{construct}'");
}
