using DISD.IO;
using DISD.Models;
using DISD.Runtime;
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
        TextTokenizer largeTokenizer, int vocab)
    {
        Requests = requests;
        Paths = paths;
        ConfigDigests = ConfigDigestsOf(paths);
        Models = models;
        LargeTokenizer = largeTokenizer;
        Vocab = vocab;
    }

    /// <summary>SHA-256 of each checkpoint's config.json, as manifest.json records it.</summary>
    public static IReadOnlyList<string> ConfigDigestsOf(IReadOnlyList<string> paths) =>
        paths.Select(path => RunManifest.FileSha256(Path.Combine(path, "config.json"))).ToArray();

    public IReadOnlyList<ModelRequest> Requests { get; }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>SHA-256 of each model's config.json, read when it was loaded.</summary>
    public IReadOnlyList<string> ConfigDigests { get; }

    public IReadOnlyList<ICausalLanguageModel> Models { get; }

    /// <summary>Columns of the tables: the shared tokenizer vocabulary (the large model's).</summary>
    public int Vocab { get; }

    /// <summary>The tokenizer that encodes the prompts and names the tokens.</summary>
    public TextTokenizer LargeTokenizer { get; }

    /// <summary>The checkpoint folders of <paramref name="requests"/>, checked before anything is loaded.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<ModelRequest> requests)
    {
        var byId = requests.GroupBy(r => r.FileId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (byId is not null)
            throw new DisdException($"{string.Join(" and ", byId.Select(r => r.Option))} both give the file name {byId.Key}{DistributionLocator.FileSuffix}; "
                + "name different models");
        return requests.Select(r => Locate(r)).ToArray();
    }

    /// <summary>
    /// Reads the tokenizers, checks they share one vocabulary, and loads the models meanwhile (progress: models loaded). The
    /// large model needs a tokenizer (it encodes the prompt); another model without one is accepted when its logits
    /// cover the large model's vocabulary. Models are placed per <paramref name="deviceOption"/>
    /// (<see cref="ModelPlacement"/>: pinned to one device, or spread over the GPUs by free memory).
    /// </summary>
    /// <param name="beforeWeights">Called with the large model's tokenizer and the vocabulary once they are checked, before the
    /// weights are waited for; returns whether they are needed (false: nothing is left to run, the load is abandoned and Load
    /// returns null).</param>
    public static LoadedModels? Load(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, string deviceOption, ScalarType dtype,
        IProgress<int> progress, Func<TextTokenizer, int, bool>? beforeWeights = null)
    {
        // The weights load on another core while the tokenizers are parsed (at the paper's V each takes over a second).
        // Errors keep their order: a tokenizer or vocabulary problem is reported before any problem with the weights,
        // and when nothing is left to run the load stops at the next model and its models are disposed.
        var weights = new WeightLoad(requests, paths, deviceOption, dtype, progress);
        try
        {
            var cache = new TokenizerCache();
            var tokenizers = requests.Select((r, i) => i == 0 || HasTokenizer(paths[i]) ? WithOption(r, () => cache.Load(paths[i])) : null).ToArray();
            var large = tokenizers[0]!;
            var vocab = large.VocabSize;
            VocabularyCheck.SharedVocabularySize(requests.Select((r, i) => (r, t: tokenizers[i]))
                .Where(p => p.t is not null)
                .Select(p => new VocabularyParticipant($"{p.r.Argument} ({p.r.Option})", p.t!, p.t!.VocabSize)).ToArray());
            for (var i = 1; i < requests.Count; i++)
            {
                if (tokenizers[i] is null && WithOption(requests[i], () => ModelLoader.ReadConfig(paths[i])).IntOr("vocab_size") is { } rows
                    && rows < vocab)
                    throw Mismatch(requests[i], rows, vocab);
            }

            if (beforeWeights is not null && !beforeWeights(large, vocab))
            {
                weights.Abandon();
                return null;
            }
            var models = weights.Wait();
            try
            {
                for (var i = 0; i < paths.Count; i++)
                {
                    if (models[i].VocabSize < vocab) throw Mismatch(requests[i], models[i].VocabSize, vocab);
                    if (tokenizers[i] is null)
                        CliOutput.Log($"{GenerateDistributionCommand.Name}: note: {requests[i].Option} {requests[i].Argument} has no tokenizer; "
                            + $"its first {vocab} logits are taken as the large model's tokens");
                }
                return new LoadedModels(requests, paths, models, large, vocab);
            }
            catch
            {
                foreach (var model in models) model.Dispose();
                throw;
            }
        }
        catch
        {
            weights.Abandon();
            throw;
        }
    }

    /// <summary>The models' weights, loaded in order on a thread-pool thread; stops between models once abandoned.</summary>
    private sealed class WeightLoad
    {
        private readonly Task<List<ICausalLanguageModel>> _task;
        private volatile bool _abandoned;

        public WeightLoad(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, string deviceOption, ScalarType dtype,
            IProgress<int> progress) =>
            _task = Task.Run(() => Run(requests, paths, deviceOption, dtype, progress));

        /// <summary>The loaded models; a load error is rethrown as it was raised.</summary>
        public List<ICausalLanguageModel> Wait() => _task.GetAwaiter().GetResult();

        /// <summary>Not needed after all: stop at the next model and dispose what was loaded, without waiting.</summary>
        public void Abandon()
        {
            _abandoned = true;
            _task.ContinueWith(static done =>
            {
                foreach (var model in done.Result) model.Dispose();
            }, TaskContinuationOptions.OnlyOnRanToCompletion);
        }

        private List<ICausalLanguageModel> Run(IReadOnlyList<ModelRequest> requests, IReadOnlyList<string> paths, string deviceOption,
            ScalarType dtype, IProgress<int> progress)
        {
            var maps = ModelPlacement.PlanDevices(paths, deviceOption, dtype, ModelPlacement.DefaultReserveBytes);
            var models = new List<ICausalLanguageModel>();
            try
            {
                for (var i = 0; i < paths.Count && !_abandoned; i++)
                {
                    models.Add(WithOption(requests[i], () => ModelPlacement.Load(paths[i], maps[i], dtype)));
                    progress.Report(models.Count);
                }
                return models;
            }
            catch
            {
                foreach (var model in models) model.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        foreach (var model in Models) model.Dispose();
    }

    private static string Locate(ModelRequest request) => WithOption(request, () => EmbeddedModels.Resolve(request.Argument));

    private static bool HasTokenizer(string path) =>
        File.Exists(Path.Combine(path, "tokenizer.model")) || File.Exists(Path.Combine(path, "tokenizer.json"));

    private static DisdException Mismatch(ModelRequest request, int rows, int vocab) => new(
        $"{request.Option} {request.Argument}: vocabulary mismatch: it has {rows} logits, the large model's tokenizer has {vocab} tokens; the models must "
            + "share a vocabulary");

    /// <summary>Runs <paramref name="work"/>, prefixing a user-facing error with the option that named the model.</summary>
    private static T WithOption<T>(ModelRequest request, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is DisdException or IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"{request.Option}: {e.Message}", e);
        }
    }
}
