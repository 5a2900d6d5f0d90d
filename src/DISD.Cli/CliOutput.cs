using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DISD.Cli;

/// <summary>Where the CLI writes: results and JSON on stdout, logs, progress and errors on stderr.</summary>
public static class CliOutput
{
    public const string DebugVariable = "DISD_DEBUG";

    /// <summary>snake_case keys, as the Python tools write them.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Log(string message) => Console.Error.WriteLine(message);

    /// <summary>"1 token", "2 tokens": counts in logs read as words, not "1 tokens" or "prompt(s)".</summary>
    public static string Plural(long count, string noun) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");

    public static void Error(string message) => Console.Error.WriteLine($"disd: error: {message}");

    /// <summary>
    /// The log line of --chat: which template wrapped the prompts, so that a built-in one taken for a checkpoint without
    /// its own is seen at once, not only in manifest.json.
    /// </summary>
    public static void LogChatTemplate(string verb, string modelOption, Tokenization.ChatPrompt used) => Log(
        used.TemplateSource.StartsWith("built-in", StringComparison.Ordinal)
            ? $"{verb}: --chat: {modelOption} has no chat template of its own; the prompts are wrapped in the {used.TemplateSource}"
            : $"{verb}: --chat: the prompts are wrapped in {modelOption}'s chat template ({used.TemplateSource})");

    /// <summary>Writes <paramref name="value"/> as one JSON object on stdout.</summary>
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Prints the stack trace when <see cref="DebugVariable"/> is 1; returns whether it did.</summary>
    public static bool DebugTrace(Exception e)
    {
        if (Environment.GetEnvironmentVariable(DebugVariable) != "1")
        {
            return false;
        }

        Console.Error.WriteLine(e.ToString());
        return true;
    }
}
