using DISD.IO;
using DISD.Models;
using DISD.Tokenization;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>A model named on the command line: its role (large, medium, small), the argument and the option it came from.</summary>
internal sealed record ModelRequest(string Role, string Argument, string Option)
{
    /// <summary>The id in file names (<c>org/name</c> → <c>org-name</c>, a folder → its name).</summary>
    public string FileId { get; } = TextSanitizer.ModelFileId(Argument);
}

/// <summary>The loaded models of a run (large first), their tokenizers and the shared vocabulary; disposes the models.</summary>
internal sealed class LoadedModels : IDisposable
{
    private LoadedModels(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, IReadOnlyList<ICausalLanguageModel> models,
        IReadOnlyList<TextTokenizer> tokenizers, int vocab)
    {
        Requests = requests;
        Paths = paths;
        Models = models;
        Tokenizers = tokenizers;
        Vocab = vocab;
    }

    public IReadOnlyList<ModelRequest> Requests { get; }

    public IReadOnlyList<string> Paths { get; }

    public IReadOnlyList<ICausalLanguageModel> Models { get; }

    public IReadOnlyList<TextTokenizer> Tokenizers { get; }

    /// <summary>Columns of the tables: the shared tokenizer vocabulary.</summary>
    public int Vocab { get; }

    public TextTokenizer LargeTokenizer => Tokenizers[0];

    /// <summary>The checkpoint folders of <paramref name="requests"/>, checked before anything is loaded.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<ModelRequest> requests)
    {
        var byId = requests.GroupBy(r => r.FileId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (byId is not null)
            throw new DisdException($"{string.Join(" and ", byId.Select(r => r.Option))} both give the file name {byId.Key}{DistributionLocator.FileSuffix}; name different models");
        return requests.Select(r => Locate(r)).ToArray();
    }

    /// <summary>Reads the tokenizers, checks they share one vocabulary, then loads the models (progress: models loaded).</summary>
    public static LoadedModels Load(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, Device device, ScalarType dtype,
        IProgress<int> progress)
    {
        var tokenizers = paths.Select(path => TextTokenizer.Load(path)).ToArray();
        // Tokenizers first, so that a vocabulary mismatch fails before any weights are read; logit widths are checked after loading.
        VocabularyCheck.SharedVocabularySize(requests.Select((r, i) => new VocabularyParticipant(r.Argument, tokenizers[i], tokenizers[i].VocabSize)).ToArray());
        var models = new List<ICausalLanguageModel>();
        try
        {
            foreach (var path in paths)
            {
                models.Add(ModelLoader.Load(path, device, dtype));
                progress.Report(models.Count);
            }

            var vocab = tokenizers[0].VocabSize;
            var narrow = models.FirstOrDefault(m => m.VocabSize < vocab);
            if (narrow is not null)
                throw new DisdException($"model {narrow.Name} has {narrow.VocabSize} logits, fewer than the {vocab} tokens of its tokenizer");
            return new LoadedModels(requests, paths, models, tokenizers, vocab);
        }
        catch
        {
            foreach (var model in models) model.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var model in Models) model.Dispose();
    }

    private static string Locate(ModelRequest request)
    {
        try
        {
            return EmbeddedModels.Resolve(request.Argument);
        }
        catch (DisdException e)
        {
            throw new DisdException($"{request.Option}: {e.Message}", e);
        }
    }
}
