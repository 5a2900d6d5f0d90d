using System.Text;
using System.Text.Json;
using DISD.Decoding;
using DISD.IO;

namespace DISD.Cli.Commands;

/// <summary>
/// One --trace line (JSONL, snake_case): a draft-and-verify round. <see cref="TargetSamples"/> holds null where a
/// weighted-MinHash sample was never settled because no decision needed it.
/// </summary>
internal sealed record SpeculateTraceLine(
    int? Prompt,
    string? QuestionId,
    int? Turn,
    int Round,
    int OutputPosition,
    int K,
    IReadOnlyList<long> Drafted,
    IReadOnlyList<long?> TargetSamples,
    int Accepted,
    int Emitted,
    IReadOnlyList<bool> Agrees,
    IReadOnlyList<double>? Agreement,
    double DrafterSeconds,
    double TargetSeconds,
    double HostSeconds);

/// <summary>Collects the rounds of a run and writes them, one JSON object per line, atomically.</summary>
internal sealed class SpeculateTrace
{
    private static readonly JsonSerializerOptions LineOptions = new(CliOutput.JsonOptions)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly List<SpeculateTraceLine> _lines = [];

    /// <summary>Validates the path before any decoding, so a bad --trace fails fast.</summary>
    public static string? RequirePath(string? path, string optionName)
    {
        if (path is null)
            return null;
        if (string.IsNullOrWhiteSpace(path) || Directory.Exists(path))
            throw new DisdException($"{optionName} '{path}': expected a file path for the JSON-lines trace");
        return path;
    }

    public void Add(DecodingResult result, int? prompt = null, string? questionId = null, int? turn = null)
    {
        for (var i = 0; i < result.Rounds.Count; i++)
        {
            var r = result.Rounds[i];
            _lines.Add(new SpeculateTraceLine(prompt, questionId, turn, i, r.Position, r.Drafted, r.DraftedIds,
                r.TargetSamples.Select(t => t < 0 ? (long?)null : t).ToList(), r.Accepted, r.Emitted, r.Agrees,
                r.Agreement, r.DrafterSeconds, r.TargetSeconds, r.HostSeconds));
        }
    }

    public void Write(string path)
    {
        var text = new StringBuilder();
        foreach (var line in _lines)
            text.Append(JsonSerializer.Serialize(line, LineOptions)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
