namespace DISD;

/// <summary>
/// A user-facing error: bad input, a missing file, an option out of range. The message is one line that names the
/// file, option or row at fault and what was expected; the CLI prints it without a stack trace.
/// </summary>
public sealed class DisdException : Exception
{
    public DisdException(string message) : base(message)
    {
    }

    public DisdException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
