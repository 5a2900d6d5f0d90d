using System.Text.Json.Nodes;
using DISD.Models;
using DISD.Tests.IO;

namespace DISD.Tests.Generate;

/// <summary>Edited copies of the embedded demo models, for runs that need a slightly different checkpoint.</summary>
public static class DemoCopies
{
    /// <summary>A copy of the small demo model with its config.json edited.</summary>
    public static string Edited(TempFolder root, string name, Action<JsonObject> edit)
    {
        var source = EmbeddedModels.PathOf(EmbeddedModels.Small);
        var target = root.File(name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))!.AsObject();
        edit(config);
        File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());
        return target;
    }
}
