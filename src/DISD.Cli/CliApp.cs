using System.CommandLine;

namespace DISD.Cli;

/// <summary>
/// The <c>disd</c> command line. Each verb lives in Commands/ and is registered with one line in <see cref="Verbs"/>.
/// Exit codes: 0 success, 2 a user error (bad option or input, missing file), 1 an unexpected error.
/// </summary>
public static class CliApp
{
    public const int Success = 0;
    public const int UnexpectedError = 1;
    public const int UserError = 2;

    private static readonly Func<Command>[] Verbs =
    [
        Commands.PlotCouplingCommand.Create,
        Commands.GenerateDistributionCommand.Create,
        Commands.SpeculateCommand.Create,
    ];

    public static int Run(string[] args)
    {
        var root = new RootCommand("DISD: coupling without communication and drafter-invariant speculative decoding.");
        foreach (var verb in Verbs)
        {
            root.Subcommands.Add(verb());
        }

        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors)
                {
                    CliOutput.Error(NamingTheOption(error));
                }

                var command = string.Join(' ', parsed.CommandResult.Command == root ? ["disd"] : ["disd", parsed.CommandResult.Command.Name]);
                Console.Error.WriteLine($"Run '{command} --help' for usage.");
                return UserError;
            }

            return parsed.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = Console.Out,
                Error = Console.Error,
            });
        }
        catch (Exception) when (IO.UnfinishedOutputs.Aborted)
        {
            // A signal stopped the run and removed its outputs under it; CliSignals reports it and sets the exit code.
            return UnexpectedError;
        }
        catch (Exception e) when (e is DisdException or IOException or UnauthorizedAccessException)
        {
            CliOutput.Error(e.Message);
            CliOutput.DebugTrace(e);
            return UserError;
        }
        catch (Exception e)
        {
            CliOutput.Error($"unexpected {e.GetType().Name}: {e.Message}");
            if (!CliOutput.DebugTrace(e))
            {
                Console.Error.WriteLine($"Set {CliOutput.DebugVariable}=1 for the stack trace.");
            }

            return UnexpectedError;
        }
    }

    /// <summary>The parser's message, prefixed with the option it concerns when the message does not name it (e.g. a value outside the choices).</summary>
    private static string NamingTheOption(System.CommandLine.Parsing.ParseError error)
    {
        var message = OneLine(error.Message);
        var option = (error.SymbolResult as System.CommandLine.Parsing.OptionResult)?.Option
            ?? ((error.SymbolResult as System.CommandLine.Parsing.ArgumentResult)?.Parent as System.CommandLine.Parsing.OptionResult)?.Option;
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
