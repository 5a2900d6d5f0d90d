using System.CommandLine;

namespace DISD.Cli;

public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("DISD: coupling without communication and drafter-invariant speculative decoding.");
        return root.Parse(args).Invoke();
    }
}
