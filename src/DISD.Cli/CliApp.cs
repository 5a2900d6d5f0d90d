using System.CommandLine;

namespace DISD.Cli;

/// <summary>
/// The <c>disd</c> command line. Each verb lives in Commands/ and is registered with one line in <see cref="Verbs"/>.
/// Exit codes: 0 success, 2 a user error (bad option or input, missing file; nothing was run), 1 an unexpected error
/// (a bug), 3 a batch (--prompts-file) in which at least one prompt failed (the others are done; see its --json).
/// </summary>
public static class CliApp
{
    public const int Success = 0;
    public const int UnexpectedError = 1;
    public const int UserError = 2;
    public const int SomePromptsFailed = 3;

    private static readonly Func<Command>[] Verbs =
    [
        Commands.PlotCouplingCommand.Create,
        Commands.GenerateDistributionCommand.Create,
        Commands.SpeculateCommand.Create,
        Commands.ReportCommand.Create,
    ];

    public static int Run(string[] args)
    {
        var root = new RootCommand("DISD: coupling without communication and drafter-invariant speculative decoding.");
        foreach (var verb in Verbs)
        {
            root.Subcommands.Add(verb());
        }

        // A bare `disd` is someone finding out what it does: the help answers that, an error about a missing verb does not.
        if (args.Length == 0)
            args = ["--help"];
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                CliOutput.Error(ParseErrors.OneLine(parsed, root));
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
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            bool traced = Environment.GetEnvironmentVariable(CliOutput.DebugVariable) == "1";
            CliOutput.Error($"unexpected {e.GetType().Name}: {firstLine}. This is a bug in disd: please report it with the command line"
                + (traced ? " and the stack trace below" : $" and the stack trace ({CliOutput.DebugVariable}=1 prints it)"));
            CliOutput.DebugTrace(e);

            return UnexpectedError;
        }
    }
}
