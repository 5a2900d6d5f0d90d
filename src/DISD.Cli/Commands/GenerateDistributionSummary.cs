using DISD.IO;

namespace DISD.Cli.Commands;

/// <summary>The --json object of generate-distribution (snake_case keys).</summary>
/// <param name="Shard">The --shard I/N of the run, null for the whole prompts file.</param>
/// <param name="Runtime">The kernel path, libtorch capability and threads, as in manifest.json.</param>
internal sealed record GenerateDistributionSummary(
    IReadOnlyList<SummaryModel> Models,
    int VocabSize,
    string Device,
    string Dtype,
    ulong Seed,
    string Decoding,
    double Temperature,
    int NumTokens,
    string? Shard,
    double LoadSeconds,
    double TotalSeconds,
    IReadOnlyList<SummaryPrompt> Prompts,
    Runtime.ComputeRuntime Runtime);

internal sealed record SummaryModel(string Role, string Argument, string Path, string FileId);

/// <summary>One prompt: <see cref="Status"/> done (written now), skipped (the folder holds this request's result, described
/// here from its manifest) or failed (<see cref="Message"/> says why; the fields of the result are null).</summary>
/// <param name="Index">The prompt's 0-based index in --prompts-file (0 for a single prompt).</param>
internal sealed record SummaryPrompt(
    int Index,
    string Status,
    string? Message,
    string InputText,
    string Folder,
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<int>? TokenIds,
    string? GeneratedText,
    IReadOnlyList<string>? ProbabilityTables,
    string? TokensCsv,
    string? Manifest,
    string? RunId,
    long TableBytes,
    double GenerateSeconds,
    double WriteSeconds)
{
    public static SummaryPrompt Skipped(PreparedPrompt prompt, string folder, RunManifest manifest) => new(
        prompt.Index, PromptStatus.Skipped, null, prompt.Text, Path.GetFullPath(folder), prompt.Ids, manifest.TokenIds, manifest.GeneratedText,
        manifest.Models.Select(m => Path.GetFullPath(Path.Combine(folder, DistributionTables.FileOf(m)))).ToArray(),
        Path.GetFullPath(Path.Combine(folder, IO.TokensCsv.FileName)), Path.GetFullPath(Path.Combine(folder, RunManifest.FileName)), manifest.RunId, 0, 0, 0);

    public static SummaryPrompt Failed(PreparedPrompt prompt, string folder, string message) => new(
        prompt.Index, PromptStatus.Failed, message, prompt.Text, Path.GetFullPath(folder), prompt.Ids, null, null, null, null, null, null, 0, 0, 0);
}
