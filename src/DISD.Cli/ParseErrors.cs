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

    /// <summary>" (did you mean X?)": in parentheses, so that the sentence goes on without a "?;".</summary>
    private static string Suggestion(string token, IReadOnlyList<string> candidates) =>
        NearestName.Of(token.Split('=', 2)[0], candidates) is { } name ? $" (did you mean {name}?)" : "";

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
        // An int option's own bounds (positive, ≥ 0) are checked after parsing; the parser only knows that the value is no int,
        // so a lower bound of -2147483648 would be misleading: say what is wrong with the value instead.
        if (option.ValueType == typeof(int)
            && System.Numerics.BigInteger.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
        {
            return big > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{option.Name} {value} is too large; expected an integer of at most {int.MaxValue}")
                : $"{option.Name} {value} is out of range; see the option's description for the values it takes";
        }
        string expected = option.ValueType switch
        {
            var t when t == typeof(ulong) => string.Create(CultureInfo.InvariantCulture, $"an integer from 0 to {ulong.MaxValue}"),
            var t when t == typeof(int) => "an integer",
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
}
