using System.Text.Json;

namespace DISD.IO;

/// <summary>
/// The record plot-coupling writes beside its results table (<c>coupling_&lt;large&gt;_vs_&lt;small&gt;.json</c>): the run of
/// the tables it measured and the options it measured with. <c>disd report</c> reads it to describe the results, and
/// <c>--skip-existing</c> compares it with a new request.
/// </summary>
/// <param name="RunId">The tables' run (<see cref="RunManifest.RunId"/>), "" when they had no manifest.</param>
/// <param name="Device">The device of the dense engine, null for the race engine (whose results do not depend on it).</param>
/// <param name="Figure">The figure's full path.</param>
/// <param name="Results">The results table's file name (beside this file).</param>
public sealed record CouplingRunManifest(
    string RunId,
    string InputText,
    string ModelLarge,
    string ModelSmall,
    string TableLarge,
    string TableSmall,
    int NumTokens,
    int NumRetries,
    string Engine,
    ulong Seed,
    string? Device,
    string Figure,
    string Results,
    string ListSizes = "")
{
    public const string Extension = ".json";

    public void Write(Stream stream) => JsonSerializer.Serialize(stream, this, RunManifest.JsonOptions);

    /// <exception cref="DisdException">Unreadable or not such a record.</exception>
    public static CouplingRunManifest Read(string path)
    {
        try
        {
            using var document = StrictJson.ReadFile(path);
            return document.Deserialize<CouplingRunManifest>(RunManifest.JsonOptions) ?? throw new DisdException($"{path}: empty coupling record");
        }
        catch (JsonException e)
        {
            throw new DisdException($"{path}: not a plot-coupling record: {e.Message}", e);
        }
    }
}
