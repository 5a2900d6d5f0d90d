using DISD.Models;
using DISD.Models.Loading;
using DISD.Runtime;
using DISD.Tokenization;
using static TorchSharp.torch;

namespace DISD.Cli.Commands;

/// <summary>The target, the optional drafter, the target's tokenizer and the vocabulary they share.</summary>
internal sealed class SpeculateModels : IDisposable
{
    public const string None = "none";
    public const string DefaultTarget = EmbeddedModels.Large;
    public const string DefaultDrafter = EmbeddedModels.Small;

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

    /// <summary>
    /// Checks the vocabularies from the tokenizer files before loading any weights. Models are placed per
    /// <paramref name="deviceOption"/> (<see cref="ModelPlacement"/>).
    /// </summary>
    /// <param name="beforeWeights">
    /// Called with the target's tokenizer, the shared vocabulary and each model's folder and label once the vocabularies
    /// are checked, before any weights are read.
    /// </param>
    public static SpeculateModels Load(string targetArg, string drafterArg, string deviceOption, ScalarType dtype,
        Action<TextTokenizer, int, IReadOnlyList<(string Dir, string Label)>>? beforeWeights = null)
    {
        var targetDir = Resolve(targetArg, "--target");
        var tokenizers = new TokenizerCache();
        var tokenizer = Naming("--target", () => tokenizers.Load(targetDir));
        var targetRows = Naming("--target", () => EmbeddingRows(targetDir));
        string? drafterDir = null;
        var participants = new List<VocabularyParticipant> { new(targetArg, tokenizer, targetRows) };
        if (!string.Equals(drafterArg, None, StringComparison.OrdinalIgnoreCase))
        {
            drafterDir = Resolve(drafterArg, "--drafter");
            var drafterRows = Naming("--drafter", () => EmbeddingRows(drafterDir));
            participants.Add(new VocabularyParticipant(drafterArg, DrafterTokenizer(tokenizers, drafterArg, drafterDir, targetArg, targetRows, drafterRows),
                drafterRows));
        }
        var shared = VocabularyCheck.SharedVocabularySize(participants);
        if (drafterDir is not null && targetRows != participants[1].EmbeddingRows)
        {
            throw new DisdException(
                $"--drafter {drafterArg} has {participants[1].EmbeddingRows} logits but --target {targetArg} has {targetRows}; speculative decoding needs "
                    + "models with the same vocabulary and logit width");
        }

        var labelled = new List<(string, string)> { (targetDir, $"--target {targetArg}") };
        if (drafterDir is not null) labelled.Add((drafterDir, $"--drafter {drafterArg}"));
        beforeWeights?.Invoke(tokenizer, Math.Min(shared, tokenizer.VocabSize), labelled);
        var dirs = drafterDir is null ? new[] { targetDir } : new[] { targetDir, drafterDir };
        var maps = ModelPlacement.PlanDevices(dirs, deviceOption, dtype, ModelPlacement.DefaultReserveBytes).ToArray();
        if (maps.Length == 2 && (maps[1].IsSplit || !DeviceMap.Same(maps[1].Embedding, maps[0].Embedding)))
        {
            // The decoder compares both models' logits on one device: keep the (small) drafter where the target's logits are.
            maps[1] = DeviceMap.Single(maps[0].Embedding, maps[1].Layers.Count);
        }
        var target = Naming("--target", () => ModelPlacement.Load(targetDir, maps[0], dtype));
        try
        {
            var drafter = drafterDir is null ? null : Naming("--drafter", () => ModelPlacement.Load(drafterDir, maps[1], dtype));
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

    private static string Resolve(string modelArg, string optionName)
    {
        if (string.IsNullOrWhiteSpace(modelArg))
        {
            throw new DisdException($"{optionName} is empty; give a checkpoint folder, a Hugging Face repo id or a demo model name "
                + "(gemma2-wordnet-large|medium|small)");
        }

        return Naming(optionName, () => EmbeddedModels.Resolve(modelArg));
    }

    /// <summary>Runs <paramref name="work"/>, prefixing a user-facing error with the option that named the model, as generate-distribution does.</summary>
    private static T Naming<T>(string optionName, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is DisdException or IOException or UnauthorizedAccessException)
        {
            throw new DisdException($"{optionName}: {e.Message}", e);
        }
    }

    private static TextTokenizer DrafterTokenizer(TokenizerCache tokenizers, string drafterArg, string drafterDir, string targetArg, int targetRows,
        int drafterRows)
    {
        try
        {
            return tokenizers.Load(drafterDir);
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
