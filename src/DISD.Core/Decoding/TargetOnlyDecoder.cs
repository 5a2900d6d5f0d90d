using System.Diagnostics;
using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Autoregressive decoding of the target alone with a coupling sampler: the token at output position t
/// (0-based from the first new token) is the sampler's draw from p_t with the public randomness of t.
/// </summary>
public sealed class TargetOnlyDecoder
{
    private readonly ICausalLanguageModel _target;
    private readonly DecodingOptions _options;
    private readonly ICouplingSampler _sampler;

    public TargetOnlyDecoder(ICausalLanguageModel target, DecodingOptions options)
    {
        options.Validate();
        _target = target;
        _options = options;
        _sampler = CouplingSamplers.For(options);
    }

    public DecodingResult Generate(IReadOnlyList<int> prompt)
    {
        PromptTensors.Require(prompt);
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        using var cache = _target.NewCache(prompt.Count + _options.MaxNewTokens + 1);
        var tokens = new List<int>();
        var rounds = new List<DecodingRound>();
        var endedWithEos = false;
        Tensor nextLogits = PromptPrefill.LastLogits(_target, prompt, cache);
        var targetCalls = 1;
        var targetSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            for (var position = 0; position < _options.MaxNewTokens; position++)
            {
                using var scope = NewDisposeScope();
                var start = Stopwatch.GetTimestamp();
                _sampler.Forget(position);
                var distributions = new TokenDistributions(nextLogits, _options.Transform);
                var drawn = _sampler.Draw(distributions, position);
                var host = cat([drawn.reshape(1).to_type(ScalarType.Int64), FiniteCheck.Flag(distributions)], 0).cpu().data<long>().ToArray();
                if (host[1] == 0)
                    throw FiniteCheck.Error(_target.Name, position, distributions);
                var token = host[0];
                if (token < 0)
                    token = _sampler.Settle(distributions, 0, position);
                tokens.Add(checked((int)token));
                var sampled = Stopwatch.GetTimestamp();
                rounds.Add(new DecodingRound(position, [], [token], 0, 1, null, 0, targetSeconds,
                    (double)(sampled - start) / Stopwatch.Frequency));
                if (_options.StopAtEos && _target.EosTokenIds.Contains((int)token))
                {
                    endedWithEos = true;
                    break;
                }
                if (position + 1 == _options.MaxNewTokens)
                    break;
                var decodeStart = Stopwatch.GetTimestamp();
                var logits = _target.Decode(tensor(new[] { token }, ScalarType.Int64, _target.Device), cache);
                targetSeconds = (double)(Stopwatch.GetTimestamp() - decodeStart) / Stopwatch.Frequency;
                targetCalls++;
                nextLogits.Dispose();
                nextLogits = logits.MoveToOuterDisposeScope();
            }
        }
        finally
        {
            _sampler.Forget(long.MaxValue);
            nextLogits.Dispose();
        }
        clock.Stop();
        return new DecodingResult(tokens, 0, 0, 0, targetCalls, 0, null, clock.Elapsed.TotalSeconds, endedWithEos, rounds);
    }
}
