using DISD.Models.Config;
using DISD.Models.Layers;
using DISD.Models.Loading;

namespace DISD.Models;

/// <summary>
/// Qwen2 (transformers' modeling_qwen2): Llama's decoder layer with biases on the q, k and v projections, and
/// sliding-window attention on the layers the config marks (only with use_sliding_window).
/// </summary>
public sealed class Qwen2Model : DecoderModel
{
    internal Qwen2Model(string name, Qwen2Config config, ModelWeights weights)
        : base(name, config, weights, LlamaModel.Family(config, config.Rope, qkvBias: true, outputBias: false, mlpBias: false) with
        {
            SlidingLayers = config.SlidingLayers,
            SlidingWindow = config.SlidingWindow,
        })
    {
    }
}
