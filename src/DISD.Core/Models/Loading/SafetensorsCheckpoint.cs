using System.Text.Json;
using DISD.IO;
using static TorchSharp.torch;

namespace DISD.Models.Loading;

/// <summary>
/// The weights of a checkpoint folder: <c>model.safetensors</c>, or the shards listed by <c>model.safetensors.index.json</c>.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _fileOf;

    private SafetensorsCheckpoint(string directory, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOf)
    {
        Directory = directory;
        _files = files;
        _fileOf = fileOf;
    }

    public string Directory { get; }

    public IEnumerable<string> TensorNames => _fileOf.Keys;

    public static SafetensorsCheckpoint Open(string directory)
    {
        string single = Path.Combine(directory, SingleFileName);
        string index = Path.Combine(directory, IndexFileName);
        if (File.Exists(index))
        {
            return OpenSharded(directory, index);
        }
        if (File.Exists(single))
        {
            var file = SafetensorsFile.Open(single);
            return new SafetensorsCheckpoint(directory, [file], file.Tensors.Keys.ToDictionary(n => n, _ => file, StringComparer.Ordinal));
        }
        throw new FileNotFoundException($"{directory}: neither {SingleFileName} nor {IndexFileName} found");
    }

    public bool Contains(string name) => _fileOf.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        _fileOf.TryGetValue(name, out var file) ? file.Tensors[name] : throw new DisdException($"{Directory}: no tensor named '{name}'");

    public Tensor Read(string name, ScalarType? dtype = null, Device? device = null) =>
        _fileOf.TryGetValue(name, out var file) ? file.Read(name, dtype, device) : throw new DisdException($"{Directory}: no tensor named '{name}'");

    private static SafetensorsCheckpoint OpenSharded(string directory, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var files = new List<SafetensorsFile>();
        try
        {
            var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            var fileOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shard) in weightMap)
            {
                if (!byShard.TryGetValue(shard, out var file))
                {
                    file = SafetensorsFile.Open(Path.Combine(directory, shard));
                    files.Add(file);
                    byShard.Add(shard, file);
                }
                if (!file.Tensors.ContainsKey(tensor))
                {
                    throw new DisdException($"{indexPath}: maps '{tensor}' to {shard}, which has no such tensor");
                }
                fileOf[tensor] = file;
            }
            return new SafetensorsCheckpoint(directory, files, fileOf);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static List<(string Tensor, string Shard)> ReadWeightMap(string indexPath)
    {
        using var document = StrictJson.ReadFile(indexPath);
        if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new DisdException($"{indexPath}: missing the \"weight_map\" object (tensor name → shard file); is this a model.safetensors.index.json?");
        }
        var result = new List<(string, string)>();
        foreach (var item in map.EnumerateObject())
        {
            string? shard = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString() : null;
            if (string.IsNullOrEmpty(shard) || Path.GetFileName(shard) != shard || shard is "." or "..")
            {
                throw new DisdException($"{indexPath}: weight_map entry '{item.Name}' must name a file in the same folder, found {item.Value.GetRawText()}");
            }
            result.Add((item.Name, shard));
        }
        return result;
    }

    public void Dispose() => _files.ForEach(f => f.Dispose());
}
