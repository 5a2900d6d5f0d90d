using static TorchSharp.torch;

namespace DISD.Models.Config;

/// <summary>
/// The config.json fields every family reads alike: the shape (<see cref="CoreShape"/>), the RMSNorm epsilon, the MLP
/// activation, whether the output head is tied to the embeddings, the end-of-sequence ids and the checkpoint dtype.
/// A family's record reads the rest, what only it has.
/// </summary>
public abstract record DecoderConfig
{
    /// <param name="defaultActivation">The family's activation when config.json names none (hidden_activation / hidden_act).</param>
    /// <param name="tiesByDefault">Whether the head is tied when config.json has no tie_word_embeddings.</param>
    private protected DecoderConfig(ConfigJson json, string defaultActivation, bool tiesByDefault)
    {
        var shape = CoreShape.Read(json);
        (VocabSize, HiddenSize, IntermediateSize, NumLayers) = (shape.Vocab, shape.Hidden, shape.Intermediate, shape.Layers);
        (NumHeads, NumKvHeads, HeadDim) = (shape.Heads, shape.KvHeads, shape.HeadDim);
        RmsNormEps = json.PositiveOr("rms_norm_eps", 1e-6, max: 1)!.Value;
        Activation = CommonConfig.ReadActivation(json, defaultActivation);
        TieWordEmbeddings = json.BoolOr("tie_word_embeddings") ?? tiesByDefault;
        EosTokenIds = json.IntOrIntList("eos_token_id");
        CheckpointDType = CommonConfig.CheckpointDType(json);
    }

    public int VocabSize { get; init; }

    public int HiddenSize { get; init; }

    public int IntermediateSize { get; init; }

    public int NumLayers { get; init; }

    public int NumHeads { get; init; }

    public int NumKvHeads { get; init; }

    public int HeadDim { get; init; }

    public double RmsNormEps { get; init; }

    public Activation Activation { get; init; }

    public bool TieWordEmbeddings { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; }

    public ScalarType CheckpointDType { get; init; }
}
