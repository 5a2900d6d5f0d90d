using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>What <see cref="DistributionGenerator"/> records: the sampled continuation and every model's next-token
/// distribution before each generated token (row s = the distribution that token s was drawn from).</summary>
/// <param name="TokenIds">Generated token ids (the prompt excluded).</param>
/// <param name="Distributions">Per model (same order as given), rows [steps][vocab] of float32 probabilities.</param>
public sealed record GeneratedDistributions(IReadOnlyList<int> TokenIds, IReadOnlyList<float[][]> Distributions);

/// <summary>
/// The experiment of the original generate_model_distribution.py: the first model (the large one) samples a
/// continuation of the prompt; along it, every model's full next-token distribution is recorded. Unlike the original
/// it runs each model with its KV cache, and the sampling is seeded with the public randomness of each step, so the
/// same seed gives the same files on any device.
/// </summary>
public static class DistributionGenerator
{
    /// <param name="models">The large model first (it picks the tokens), then the others; all share the vocabulary.</param>
    /// <param name="vocab">Columns recorded: the shared tokenizer vocabulary (embedding rows beyond it are dropped).</param>
    /// <param name="options">MaxNewTokens steps; the large model samples from options.Transform (temperature 0 = greedy;
    /// top-k/top-p/min-p truncate); StopAtEos ends after the large model's EOS.</param>
    /// <param name="recordTemperature">Temperature of the recorded distributions (full-vocabulary softmax, never truncated, as the
    /// original's tables); by default options.Temperature, or 1 when greedy.</param>
    /// <param name="progress">Told the number of finished steps.</param>
    public static GeneratedDistributions Run(IReadOnlyList<ICausalLanguageModel> models, IReadOnlyList<int> promptIds,
        int vocab, DecodingOptions options, IProgress<int>? progress = null, double? recordTemperature = null)
    {
        options.Validate();
        if (models.Count == 0) throw new ArgumentException("DistributionGenerator: at least one model is needed.");
        if (promptIds.Count == 0) throw new DisdException("the prompt is empty: give --input-text or --prompt-ids with at least one token");
        double recorded = recordTemperature ?? (options.Temperature == 0 ? 1.0 : options.Temperature);
        if (!(recorded > 0) || double.IsInfinity(recorded))
            throw new ArgumentException($"the record temperature must be a finite number > 0 (got {recorded}).");
        using var noGrad = no_grad();
        var sampler = CouplingSamplers.For(options);
        int capacity = promptIds.Count + options.MaxNewTokens;

        var caches = new List<IKvCache>();
        var rows = new List<Tensor>();
        var lastLogits = new List<Tensor>();
        try
        {
            foreach (var model in models)
            {
                var cache = model.NewCache(capacity);
                caches.Add(cache);
                rows.Add(empty(options.MaxNewTokens, vocab, ScalarType.Float32, model.Device));
                lastLogits.Add(Prefill(model, cache, promptIds, vocab));
            }

            var tokens = new List<int>();
            for (int step = 0; step < options.MaxNewTokens; step++)
            {
                sampler.Forget(step);
                int token = RecordAndDraw(models, rows, lastLogits, sampler, step, recorded, options.Transform);
                tokens.Add(token);
                bool last = step + 1 == options.MaxNewTokens || options.StopAtEos && models[0].EosTokenIds.Contains(token);
                if (!last) Feed(models, caches, lastLogits, token, vocab);
                progress?.Report(step + 1);
                if (last) break;
            }
            var distributions = rows.Select(r => ToHostRows(r, tokens.Count)).ToList();
            return new GeneratedDistributions(tokens, distributions);
        }
        finally
        {
            sampler.Forget(long.MaxValue);
            foreach (var t in lastLogits) t.Dispose();
            foreach (var t in rows) t.Dispose();
            foreach (var c in caches) c.Dispose();
        }
    }

    private static Tensor Prefill(ICausalLanguageModel model, IKvCache cache, IReadOnlyList<int> promptIds, int vocab)
    {
        using var scope = NewDisposeScope();
        var logits = PromptPrefill.LastLogits(model, promptIds, cache);
        return LastRow(logits, vocab).MoveToOuterDisposeScope();
    }

    /// <summary>Records every model's distribution for this step and samples the large model's token (the one host
    /// read of the step).</summary>
    private static int RecordAndDraw(IReadOnlyList<ICausalLanguageModel> models, List<Tensor> rows, List<Tensor> lastLogits,
        ICouplingSampler sampler, int step, double recordTemperature, SamplingTransform transform)
    {
        using var scope = NewDisposeScope();
        var recordedRows = new TokenDistributions[models.Count];
        var large = new TokenDistributions(lastLogits[0], transform);
        var parts = new List<Tensor> { sampler.Draw(large, step).reshape(1).to_type(ScalarType.Int64), FiniteCheck.Flag(large) };
        for (int m = 0; m < models.Count; m++)
        {
            recordedRows[m] = new TokenDistributions(lastLogits[m], recordTemperature);
            var recorded = recordedRows[m].Probs;
            rows[m][step].copy_(recorded[0]);
            parts.Add(FiniteCheck.Flag(recorded).to(models[0].Device));
        }
        // The step's one host read: the drawn token and whether every distribution of the step is finite.
        var host = cat(parts, 0).cpu().data<long>().ToArray();
        if (host.Skip(1).Any(flag => flag == 0))
        {
            int bad = host[1] == 0 ? 0 : Enumerable.Range(0, models.Count).First(m => host[m + 2] == 0);
            throw FiniteCheck.Error(models[bad].Name, step, host[1] == 0 ? large : recordedRows[bad]);
        }
        long drawn = host[0];
        if (drawn < 0) drawn = sampler.Settle(large, 0, step);
        return (int)drawn;
    }

    /// <summary>Appends <paramref name="token"/> to every model's cache and keeps each model's next logits.</summary>
    private static void Feed(IReadOnlyList<ICausalLanguageModel> models, List<IKvCache> caches, List<Tensor> lastLogits, int token, int vocab)
    {
        using var scope = NewDisposeScope();
        for (int m = 0; m < models.Count; m++)
        {
            var ids = tensor(new[] { (long)token }, ScalarType.Int64, models[m].Device);
            var next = LastRow(models[m].Decode(ids, caches[m]), vocab).MoveToOuterDisposeScope();
            lastLogits[m].Dispose();
            lastLogits[m] = next;
        }
    }

    private static Tensor LastRow(Tensor logits, int vocab) =>
        logits.narrow(0, logits.shape[0] - 1, 1).narrow(1, 0, vocab).to_type(ScalarType.Float32);

    private static float[][] ToHostRows(Tensor rows, int count)
    {
        using var host = rows.narrow(0, 0, count).cpu().contiguous();
        float[] flat = host.data<float>().ToArray();
        int vocab = (int)rows.shape[1];
        return Enumerable.Range(0, count).Select(r => flat.AsSpan(r * vocab, vocab).ToArray()).ToArray();
    }
}
