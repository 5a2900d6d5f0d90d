return DISD.Cli.CliApp.Run(args);
