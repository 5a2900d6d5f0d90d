using System.CommandLine;
using DISD.Batch;

namespace DISD.Cli;

/// <summary>What happened to one prompt of a batch: done, skipped (complete results of the same request existed) or failed.</summary>
public static class PromptStatus
{
    public const string Done = "done";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}

/// <summary>
/// The options of every batch mode (<c>--prompts-file</c>): <c>--shard I/N</c> and <c>--skip-existing</c>, and the exit
/// code of a batch: <see cref="CliApp.Success"/> when no prompt failed, <see cref="CliApp.SomePromptsFailed"/> otherwise.
/// </summary>
public static class BatchOptions
{
    public static Option<string?> Shard() => new("--shard")
    {
        Description = "With --prompts-file: run only shard I of N (0-based; prompt k of the file belongs to shard k mod N), "
            + "e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; the shards' results together equal the unsharded run's",
        HelpName = "I/N",
    };

    public static Option<bool> SkipExisting() => new("--skip-existing", "--skip_existing")
    {
        Description = "Skip a prompt whose complete results already exist from the same request (models, seed, options); "
            + "results of another request are redone",
    };

    /// <summary>The shard of --shard, null when not given.</summary>
    public static ShardSpec? ReadShard(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? ShardSpec.Parse(text, option.Name) : null;

    public static int ExitCode(IEnumerable<string> statuses) =>
        statuses.Any(s => s == PromptStatus.Failed) ? CliApp.SomePromptsFailed : CliApp.Success;

    /// <summary>Whether <paramref name="e"/> fails only the prompt it came from (bad input of that prompt, I/O), not the batch.</summary>
    public static bool FailsOnePrompt(Exception e) =>
        e is DisdException or IOException or UnauthorizedAccessException && !IO.UnfinishedOutputs.Aborted;
}
