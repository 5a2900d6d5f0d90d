namespace DISD.Models.Config;

/// <summary>
/// Bounds on config.json sizes, each far above any released checkpoint (Llama-3.1-405B: 126 layers, hidden 16384,
/// intermediate 53248, 128 heads; Gemma-3: vocabulary 262144), so a value past one is a corrupt or hostile file.
/// They keep every size derived from a config (layer lists, device maps, products of dimensions) small enough to
/// compute in 64-bit integers before anything is allocated.
/// </summary>
public static class ConfigLimits
{
    public const int MaxVocab = 1 << 24;
    public const int MaxHidden = 1 << 17;
    public const int MaxIntermediate = 1 << 20;
    public const int MaxLayers = 4096;
    public const int MaxHeads = 4096;
    public const int MaxHeadDim = 4096;
    public const int MaxPositions = 1 << 24;
}

/// <summary>The dimensions every family shares, read and checked together (types, ranges and relations).</summary>
public readonly record struct CoreShape(int Vocab, int Hidden, int Intermediate, int Layers, int Heads, int KvHeads, int HeadDim)
{
    public static CoreShape Read(ConfigJson json)
    {
        int vocab = json.IntInRange("vocab_size", 1, ConfigLimits.MaxVocab);
        int hidden = json.IntInRange("hidden_size", 1, ConfigLimits.MaxHidden);
        int intermediate = json.IntInRange("intermediate_size", 1, ConfigLimits.MaxIntermediate);
        int layers = json.IntInRange("num_hidden_layers", 1, ConfigLimits.MaxLayers);
        int heads = json.IntInRange("num_attention_heads", 1, ConfigLimits.MaxHeads);
        int kvHeads = json.IntInRange("num_key_value_heads", 1, heads, fallback: heads);
        if (heads % kvHeads != 0)
        {
            throw new DisdException($"{json.Source}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}; fix config.json");
        }
        int headDim = json.Has("head_dim") ? json.IntInRange("head_dim", 2, ConfigLimits.MaxHeadDim)
            : hidden % heads == 0 ? hidden / heads
            : throw new DisdException($"{json.Source}: hidden_size {hidden} is not divisible by num_attention_heads {heads} and there is no head_dim; fix "
                + "config.json");
        if (headDim % 2 != 0)
        {
            throw new DisdException($"{json.Source}: the head dimension {headDim} is odd; rotary embeddings need an even head_dim");
        }
        return new CoreShape(vocab, hidden, intermediate, layers, heads, kvHeads, headDim);
    }

    /// <summary>Parameters the config describes (embedding, attention and MLP weights; norms and biases left out).</summary>
    public long Parameters =>
        (long)Vocab * Hidden + (long)Layers * ((long)Hidden * HeadDim * (2L * Heads + 2L * KvHeads) + 3L * Hidden * Intermediate);
}
