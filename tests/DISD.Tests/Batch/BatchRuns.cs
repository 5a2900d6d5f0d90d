using System.Text.Json;
using System.Text.Json.Nodes;
using DISD.Tests.Cli;
using DISD.Tests.IO;

namespace DISD.Tests.Batch;

/// <summary>A prompts file and the CLI runs of a sweep in one temp folder (data/, img/, report/ under a root).</summary>
internal sealed class BatchRuns : IDisposable
{
    public static readonly string[] Prompts = ["What is a lion?", "What is a cat?", "What is a dog?"];
    public static readonly string[] Folders = ["What_is_a_lion", "What_is_a_cat", "What_is_a_dog"];

    private readonly TempFolder _root = new();

    public BatchRuns(IReadOnlyList<string>? prompts = null)
    {
        PromptsFile = _root.WriteText("prompts.txt", string.Join('\n', prompts ?? Prompts) + "\n");
    }

    public string Root => _root.Path;

    public string PromptsFile { get; }

    public string Dir(string root, string name) => _root.File(root, name);

    public (int Code, string Stdout, string Stderr) Generate(string root, params string[] extra) =>
        CliRunner.Run(Merge(["generate-distribution", "--prompts-file", PromptsFile, "--num-tokens", "4", "--seed", "3", "--data-dir", Dir(root, "data")],
            extra));

    public (int Code, string Stdout, string Stderr) Plot(string root, params string[] extra) =>
        CliRunner.Run(Merge(["plot-coupling", "--prompts-file", PromptsFile, "--num-tokens", "all", "--num-retries", "300", "--seed", "5",
            "--data-dir", Dir(root, "data"), "--img-dir", Dir(root, "img")], extra));

    /// <summary><paramref name="defaults"/> with the values of options that <paramref name="extra"/> gives again replaced, and the rest of it
    /// appended.</summary>
    private static string[] Merge(string[] defaults, string[] extra)
    {
        var args = defaults.ToList();
        for (var i = 0; i < extra.Length; i++)
        {
            var at = args.IndexOf(extra[i]);
            var hasValue = i + 1 < extra.Length && !extra[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (at > 0 && hasValue) args[at + 1] = extra[++i];
            else args.Add(extra[i]);
        }

        return args.ToArray();
    }

    public static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    public static IReadOnlyList<string> Statuses(string stdout) =>
        Json(stdout).GetProperty("prompts").EnumerateArray().OrderBy(p => p.GetProperty("index").GetInt32())
            .Select(p => p.GetProperty("status").GetString()!).ToList();

    /// <summary>Every file under <paramref name="root"/>, relative, with its bytes; JSON files with the root's path made neutral and without timings.</summary>
    public IReadOnlyDictionary<string, string> Contents(string root)
    {
        var folder = _root.File(root);
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => f.EndsWith(".json", StringComparison.Ordinal)
                ? Neutral(File.ReadAllText(f).Replace(folder, "<root>", StringComparison.Ordinal))
                : Convert.ToHexString(File.ReadAllBytes(f)));
    }

    private static string Neutral(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("timings");
        return node.ToJsonString();
    }

    public void Dispose() => _root.Dispose();
}
