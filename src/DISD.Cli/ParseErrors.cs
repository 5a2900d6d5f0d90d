using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace DISD.Cli;

/// <summary>
/// Turns the parser's errors into the one line the CLI prints: an unknown verb or option with the closest valid name,
/// a value of the wrong type with the range the option accepts, and a pointer to --help.
/// </summary>
internal static class ParseErrors
{
    private const string Unrecognized = "Unrecognized command or argument '";

    public static string OneLine(ParseResult parsed, RootCommand root)
    {
        var command = parsed.CommandResult.Command;
        string help = command == root ? "disd --help" : $"disd {command.Name} --help";
        var unknown = parsed.Errors.Select(e => e.Message).FirstOrDefault(m => m.StartsWith(Unrecognized, StringComparison.Ordinal));
        if (unknown is not null)
        {
            string token = unknown[Unrecognized.Length..unknown.LastIndexOf('\'')];
            return UnknownToken(token, command, root, help);
        }
        var first = parsed.Errors[0];
        return $"{TypedValueMessage(first) ?? NamingTheOption(first)} (see '{help}')";
    }

    private static string UnknownToken(string token, Command command, RootCommand root, string help)
    {
        if (command == root && !token.StartsWith('-'))
        {
            var verbs = root.Subcommands.Select(c => c.Name).ToArray();
            return $"unknown verb '{token}'{Suggestion(token, verbs)}; the verbs are {string.Join(", ", verbs)} (see '{help}')";
        }
        if (token.StartsWith('-'))
        {
            var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-')).Distinct().ToArray();
            string where = command == root ? "disd" : command.Name;
            return $"unknown option {token} for {where}{Suggestion(token, names)} (see '{help}')";
        }
        return $"unexpected argument '{token}' (options take the form --name value; quote a value that contains spaces) (see '{help}')";
    }

    private static string Suggestion(string token, IReadOnlyList<string> candidates)
    {
        string key = token.Split('=', 2)[0];
        var best = candidates.Select(c => (Name: c, Distance: Distance(key, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, key.Length / 3) ? $"; did you mean {best.Name}?" : "";
    }

    /// <summary>"--seed: expected an integer from 0 to 18446744073709551615, got '-1'" instead of the parser's "expected type 'System.UInt64'".</summary>
    private static string? TypedValueMessage(ParseError error)
    {
        var option = OptionOf(error);
        if (option is null || !error.Message.Contains("as expected type", StringComparison.Ordinal))
        {
            return null;
        }
        var tokens = (error.SymbolResult as OptionResult)?.Tokens ?? (error.SymbolResult as ArgumentResult)?.Tokens;
        string value = tokens is { Count: > 0 } ? tokens[^1].Value : "";
        string expected = option.ValueType switch
        {
            var t when t == typeof(ulong) => string.Create(CultureInfo.InvariantCulture, $"an integer from 0 to {ulong.MaxValue}"),
            var t when t == typeof(int) => string.Create(CultureInfo.InvariantCulture, $"an integer from {int.MinValue} to {int.MaxValue}"),
            var t when t == typeof(double) => "a number such as 0.7",
            var t => $"a {t.Name} value",
        };
        return $"{option.Name}: expected {expected}, got '{value}'";
    }

    private static Option? OptionOf(ParseError error) =>
        (error.SymbolResult as OptionResult)?.Option ?? ((error.SymbolResult as ArgumentResult)?.Parent as OptionResult)?.Option;

    /// <summary>The parser's message, prefixed with the option it concerns when the message does not name it (e.g. a value outside the choices).</summary>
    private static string NamingTheOption(ParseError error)
    {
        var message = string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var option = OptionOf(error);
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    /// <summary>Levenshtein distance, case-insensitive, '_' and '-' alike (the snake_case aliases).</summary>
    internal static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant().Replace('_', '-');
        b = b.ToLowerInvariant().Replace('_', '-');
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
