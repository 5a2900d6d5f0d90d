using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace DISD.IO;

/// <summary>A model of a run: its role, the argument that named it, the checkpoint folder and its config.json digest.</summary>
/// <param name="Csv">The table's file name, beside manifest.json: a path relative to the folder, so the record stays true when the folder is copied.</param>
public sealed record ManifestModel(string Role, string Argument, string Path, string ConfigSha256, string FileId, string Csv);

/// <summary>Versions of the software that made a run.</summary>
public sealed record SoftwareVersions(string Disd, [property: JsonPropertyName("torchsharp")] string TorchSharp, string Libtorch, string Dotnet, string Os)
{
    public static SoftwareVersions Current() => new(
        InformationalVersion(typeof(SoftwareVersions).Assembly),
        InformationalVersion(typeof(torch).Assembly),
        torch.__version__,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription);

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";
}

/// <summary>Seconds spent loading the models (shared by a batch), generating this prompt, and writing its files.</summary>
public sealed record RunTimings(double LoadSeconds, double GenerateSeconds, double WriteSeconds);

/// <summary>
/// The chat template a --chat prompt was rendered with: its file (tokenizer_config.json, chat_template.jinja) or
/// "built-in … template", and the date strftime_now returned when the template reads the date.
/// </summary>
public sealed record ChatTemplateUsed(string Source, string? Date)
{
    public static ChatTemplateUsed? From(Tokenization.ChatPrompt? prompt) =>
        prompt is null ? null : new(prompt.TemplateSource, prompt.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// How the large model's tokens were sampled: the truncations after the temperature (null = off) and a description.
/// The recorded tables are the untransformed full-vocabulary softmax at the temperature, whatever these are.
/// </summary>
public sealed record SamplingUsed(int? TopK, double? TopP, double? MinP, string Description);

/// <summary>manifest.json of a generate-distribution result folder: everything needed to reproduce its tables.</summary>
/// <param name="RunId">A digest of what determines the tables (<see cref="WithContentRunId"/>); plot-coupling pairs only
/// tables of one run and copies it into its results. Empty in manifests of versions before it existed.</param>
/// <param name="Runtime">What computed the tables (kernel path, libtorch capability, threads) and which machines give
/// the same bits; not part of the run id, which digests the request. Absent in manifests of earlier versions.</param>
public sealed record RunManifest(
    string RunId,
    string InputText,
    bool Chat,
    ChatTemplateUsed? ChatTemplate,
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<ManifestModel> Models,
    int VocabSize,
    string Dtype,
    string Device,
    ulong Seed,
    string Decoding,
    double Temperature,
    SamplingUsed? Sampling,
    int NumTokens,
    bool StopAtEos,
    IReadOnlyList<int> TokenIds,
    string GeneratedText,
    SoftwareVersions Software,
    RunTimings Timings,
    Runtime.ComputeRuntime? Runtime = null)
{
    public const string FileName = "manifest.json";

    /// <summary>
    /// This manifest with its run id set to 32 hex digits of the SHA-256 of everything that determines the tables (the
    /// manifest without paths, display text, software versions and timings). Two runs share an id exactly when their
    /// tables must be equal, so pairing by id is safe, and rerunning with the same seed reproduces the results and
    /// figures byte for byte.
    /// </summary>
    public RunManifest WithContentRunId()
    {
        var basis = this with
        {
            RunId = "",
            Models = Models.Select(m => m with { Path = "", Csv = "" }).ToList(),
            GeneratedText = "",
            Software = new SoftwareVersions("", "", "", "", ""),
            Timings = new RunTimings(0, 0, 0),
            Runtime = null,
        };
        var digest = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(basis, JsonOptions));
        return this with { RunId = Convert.ToHexStringLower(digest)[..32] };
    }

    /// <summary>
    /// A digest of the request alone: what <see cref="WithContentRunId"/> digests, less the generated tokens. Two
    /// manifests share it exactly when they ask for the same tables (prompt, models and their configs, dtype, device,
    /// seed, decoding, temperature, length), so <c>--skip-existing</c> can compare a result folder with a run before
    /// generating anything.
    /// </summary>
    public string RequestDigest()
    {
        var basis = this with
        {
            RunId = "",
            Models = Models.Select(m => m with { Path = "", Csv = "" }).ToList(),
            TokenIds = [],
            GeneratedText = "",
            Software = new SoftwareVersions("", "", "", "", ""),
            Timings = new RunTimings(0, 0, 0),
            Runtime = null,
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(basis, JsonOptions)))[..32];
    }

    /// <summary>snake_case keys, as the Python tools write them.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Write(Stream stream) => JsonSerializer.Serialize(stream, this, JsonOptions);

    /// <exception cref="DisdException">The file is missing or not a manifest.</exception>
    public static RunManifest Read(string path)
    {
        if (!File.Exists(path)) throw new DisdException($"{path}: file not found");
        try
        {
            using var document = StrictJson.ReadFile(path);
            return document.Deserialize<RunManifest>(JsonOptions) ?? throw new DisdException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new DisdException($"{path}: not a manifest: {e.Message}", e);
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
