namespace DISD.Cli.Commands;

/// <summary>The --json object of generate-distribution (snake_case keys).</summary>
internal sealed record GenerateDistributionSummary(
    IReadOnlyList<SummaryModel> Models,
    int VocabSize,
    string Device,
    string Dtype,
    ulong Seed,
    string Decoding,
    double Temperature,
    int NumTokens,
    double LoadSeconds,
    double TotalSeconds,
    IReadOnlyList<SummaryPrompt> Prompts);

internal sealed record SummaryModel(string Role, string Argument, string Path, string FileId);

internal sealed record SummaryPrompt(
    string InputText,
    string Folder,
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<int> TokenIds,
    string GeneratedText,
    IReadOnlyList<string> ProbabilityTables,
    string TokensCsv,
    string Manifest,
    long TableBytes,
    double GenerateSeconds,
    double WriteSeconds);
