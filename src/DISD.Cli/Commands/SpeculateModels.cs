using DISD.Models;
using DISD.Models.Loading;
using DISD.Tokenization;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>The target, the optional drafter, the target's tokenizer and the vocabulary they share.</summary>
internal sealed class SpeculateModels : IDisposable
{
    public const string None = "none";
    public const string DefaultTarget = "gemma2-wordnet-large";
    public const string DefaultDrafter = "gemma2-wordnet-small";
    private const string EmbeddedPrefix = "gemma2-wordnet-";

    private SpeculateModels(ICausalLanguageModel target, ICausalLanguageModel? drafter, TextTokenizer tokenizer,
        int sharedVocab, string targetDir, string? drafterDir)
    {
        Target = target;
        Drafter = drafter;
        Tokenizer = tokenizer;
        SharedVocab = sharedVocab;
        TargetDir = targetDir;
        DrafterDir = drafterDir;
    }

    public ICausalLanguageModel Target { get; }

    public ICausalLanguageModel? Drafter { get; }

    public TextTokenizer Tokenizer { get; }

    /// <summary>Token ids below this are valid for every model.</summary>
    public int SharedVocab { get; }

    public string TargetDir { get; }

    public string? DrafterDir { get; }

    /// <summary>Checks the vocabularies from the tokenizer files before loading any weights.</summary>
    public static SpeculateModels Load(string targetArg, string drafterArg, Device device, ScalarType dtype)
    {
        var targetDir = Resolve(targetArg);
        var tokenizer = TextTokenizer.Load(targetDir);
        var targetRows = EmbeddingRows(targetDir);
        string? drafterDir = null;
        var participants = new List<VocabularyParticipant> { new(targetArg, tokenizer, targetRows) };
        if (!string.Equals(drafterArg, None, StringComparison.OrdinalIgnoreCase))
        {
            drafterDir = Resolve(drafterArg);
            var drafterRows = EmbeddingRows(drafterDir);
            participants.Add(new VocabularyParticipant(drafterArg, DrafterTokenizer(drafterArg, drafterDir, targetArg, targetRows, drafterRows), drafterRows));
        }
        var shared = VocabularyCheck.SharedVocabularySize(participants);
        if (drafterDir is not null && targetRows != participants[1].EmbeddingRows)
        {
            throw new DisdException(
                $"--drafter {drafterArg} has {participants[1].EmbeddingRows} logits but --target {targetArg} has {targetRows}; speculative decoding needs models with the same vocabulary and logit width");
        }

        var target = ModelLoader.Load(targetDir, device, dtype);
        try
        {
            var drafter = drafterDir is null ? null : ModelLoader.Load(drafterDir, device, dtype);
            return new SpeculateModels(target, drafter, tokenizer, Math.Min(shared, tokenizer.VocabSize), targetDir, drafterDir);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Target.Dispose();
        Drafter?.Dispose();
    }

    /// <summary>
    /// A model argument as a checkpoint folder: a gemma2-wordnet-* name that is not a local folder is one of the
    /// embedded demo models (next to the executable, or in the source tree's models/); anything else goes to
    /// <see cref="CheckpointLocator"/>.
    /// </summary>
    private static string Resolve(string modelArg)
    {
        if (string.IsNullOrWhiteSpace(modelArg))
        {
            throw new DisdException("a model argument is empty; give a checkpoint folder, a Hugging Face repo id or a demo model name (gemma2-wordnet-large|medium|small)");
        }

        if (modelArg.StartsWith(EmbeddedPrefix, StringComparison.Ordinal) && !Directory.Exists(modelArg))
        {
            foreach (var root in SearchRoots())
            {
                var candidate = Path.Combine(root, "models", modelArg);
                if (File.Exists(Path.Combine(candidate, "config.json")))
                {
                    return candidate;
                }
            }
        }

        return CheckpointLocator.Resolve(modelArg);
    }

    /// <summary>The executable's folder and its ancestors up to the one holding DISD.sln (a source checkout).</summary>
    private static IEnumerable<string> SearchRoots()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return dir.FullName;
            if (File.Exists(Path.Combine(dir.FullName, "DISD.sln")))
            {
                yield break;
            }
        }
    }

    private static TextTokenizer DrafterTokenizer(string drafterArg, string drafterDir, string targetArg, int targetRows, int drafterRows)
    {
        try
        {
            return TextTokenizer.Load(drafterDir);
        }
        catch (DisdException e)
        {
            var widths = targetRows == drafterRows
                ? "the same logit width, but"
                : $"{drafterRows} logits vs the target's {targetRows}, and";
            throw new DisdException(
                $"--drafter {drafterArg} cannot be shown to share the vocabulary of --target {targetArg}: {widths} it has no tokenizer ({e.Message})", e);
        }
    }

    private static int EmbeddingRows(string checkpointDir)
    {
        var config = ModelLoader.ReadConfig(checkpointDir);
        var text = config.Object("text_config") ?? config;
        return text.Int("vocab_size");
    }
}
