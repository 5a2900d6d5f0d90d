using DISD.Models.Loading;

namespace DISD.Models;

/// <summary>
/// The demo trio gemma2-wordnet-{large,medium,small} that ships with disd (copied next to the executable, under
/// <c>models/</c>), used when no model is named. A bare name such as <c>gemma2-wordnet-large</c> means the embedded
/// model unless a folder of that name exists in the working directory.
/// </summary>
public static class EmbeddedModels
{
    public const string Large = "gemma2-wordnet-large";
    public const string Medium = "gemma2-wordnet-medium";
    public const string Small = "gemma2-wordnet-small";

    public static IReadOnlyList<string> Names { get; } = [Large, Medium, Small];

    /// <summary>Where the embedded models live: <c>models/</c> next to the running assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models");

    public static bool IsEmbeddedName(string modelArg) => Names.Contains(modelArg.Trim(), StringComparer.Ordinal);

    /// <summary>The checkpoint folder of the embedded model <paramref name="name"/>.</summary>
    /// <exception cref="DisdException">The name is not an embedded model, or this build does not carry it.</exception>
    public static string PathOf(string name)
    {
        if (!IsEmbeddedName(name))
        {
            throw new DisdException($"'{name}' is not an embedded model (embedded: {string.Join(", ", Names)})");
        }

        var dir = Path.Combine(Folder, name.Trim());
        return File.Exists(Path.Combine(dir, "config.json"))
            ? dir
            : throw new DisdException($"the embedded model {name} is missing: no {Path.Combine(dir, "config.json")} (this build was made without models/); "
                + "pass a checkpoint folder instead");
    }

    /// <summary>
    /// The checkpoint folder <paramref name="modelArg"/> names: an existing local folder, else an embedded model's
    /// name, else a local path or cached Hugging Face repo id (<see cref="CheckpointLocator.Resolve"/>).
    /// </summary>
    /// <exception cref="DisdException">Not found; for a near-miss of a demo name (gemma2-wordnet-lage) the message suggests it.</exception>
    public static string Resolve(string modelArg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelArg);
        if (!Directory.Exists(modelArg) && IsEmbeddedName(modelArg)) return PathOf(modelArg);
        try
        {
            return CheckpointLocator.Resolve(modelArg);
        }
        catch (DisdException e) when (!Directory.Exists(modelArg) && NearestName.Of(modelArg.Trim(), Names) is { } name)
        {
            throw new DisdException($"{e.Message.TrimEnd('.')}; did you mean the demo model {name}?", e);
        }
    }
}
