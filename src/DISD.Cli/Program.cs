DISD.Cli.OpenMpWaitPolicy.DefaultToPassive();
return DISD.Cli.CliApp.Run(args);
