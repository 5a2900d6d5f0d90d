DISD.Runtime.NativeRuntime.Prepare();
using var signals = DISD.Cli.CliSignals.Install();
return DISD.Cli.CliSignals.ExitCode(DISD.Cli.CliApp.Run(args));
