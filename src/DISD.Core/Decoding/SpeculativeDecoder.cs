using DISD.Runtime;
using System.Diagnostics;
using DISD.Couplings;
using DISD.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Speculative decoding. <see cref="SpeculativeMethod.Disd"/>: the drafter proposes k tokens, each its coupled sample
/// (own distribution, public randomness of the position); one target call scores them all, the target computes its own
/// coupled sample at each drafted position with the same randomness, accepts the longest agreeing prefix and appends its
/// own sample (at the first disagreement, or the bonus position). The output equals <see cref="TargetOnlyDecoder"/>'s
/// for the same seed and coupling, whatever the drafter and k. <see cref="SpeculativeMethod.Standard"/>: Leviathan et
/// al. (2023) accept/resample with public uniforms; correct in distribution, output depends on the drafter.
/// Every party samples from its own distribution under the same <see cref="SamplingTransform"/>. The drafter is a model
/// or the model-free <see cref="NgramDrafter"/>, whose proposals are point masses. With
/// <see cref="DecodingOptions.NumDrafts"/> K &gt; 1 (DISD, Gumbel, a drafter model) the drafter proposes K branches
/// verified as one tree (<see cref="TreeSpeculativeDecoding"/>).
/// </summary>
public sealed class SpeculativeDecoder
{
    private readonly ICausalLanguageModel _target;
    private readonly ICausalLanguageModel? _drafter;
    private readonly NgramDrafter? _ngram;
    private readonly DecodingOptions _options;
    private readonly SamplingTransform _transform;
    private readonly SpeculativeOptions _speculative;
    private readonly ICouplingSampler _sampler;
    private readonly bool _standard;

    public SpeculativeDecoder(ICausalLanguageModel target, ICausalLanguageModel drafter, DecodingOptions options,
        SpeculativeOptions speculative) : this(target, options, speculative)
    {
        if (target.VocabSize != drafter.VocabSize)
            throw new ArgumentException(
                $"Speculative decoding: drafter '{drafter.Name}' has {drafter.VocabSize} logits but target '{target.Name}' has {target.VocabSize}; they must "
                    + "share the vocabulary.");
        if (target.Device.type != drafter.Device.type || target.Device.index != drafter.Device.index)
            throw new ArgumentException(
                $"Speculative decoding: drafter on {drafter.Device} but target on {target.Device}; put both on one device.");
        _drafter = drafter;
        RequireMultiDraft(MultiDraftLimits.Problem(options, speculative, target.VocabSize, modelDrafter: true));
    }

    /// <summary>Speculative decoding with the model-free n-gram (prompt-lookup) drafter.</summary>
    public SpeculativeDecoder(ICausalLanguageModel target, NgramDrafter drafter, DecodingOptions options,
        SpeculativeOptions speculative) : this(target, options, speculative)
    {
        _ngram = drafter;
        RequireMultiDraft(MultiDraftLimits.Problem(options, speculative, target.VocabSize, modelDrafter: false));
    }

    private static void RequireMultiDraft(string? problem)
    {
        if (problem is not null)
            throw new ArgumentException(problem + ".");
    }

    private SpeculativeDecoder(ICausalLanguageModel target, DecodingOptions options, SpeculativeOptions speculative)
    {
        options.Validate();
        _target = target;
        _options = options;
        _transform = options.Transform;
        _speculative = speculative;
        _sampler = CouplingSamplers.For(options);
        _standard = speculative.Method == SpeculativeMethod.Standard && options.Temperature > 0;
    }

    public DecodingResult Generate(IReadOnlyList<int> prompt)
    {
        if (_options.NumDrafts > 1)
            return new TreeSpeculativeDecoding(_target, _drafter!, _options, _speculative).Generate(prompt);
        PromptTensors.Require(prompt);
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        var capacity = prompt.Count + _options.MaxNewTokens + DraftLength.MaxAuto + 2;
        using var target = new ModelCursor(_target, prompt, capacity);
        using var drafter = StartDrafter(prompt, capacity);
        return SpeculationLoop.Run(_target, _options, _speculative, clock, target, () => drafter.Calls, _sampler.Forget,
            (position, k, roundClock) => Step(target, drafter, position, k, roundClock));
    }

    private IDraftSession StartDrafter(IReadOnlyList<int> prompt, int capacity)
    {
        if (_ngram is not null)
            return new NgramDraftSession(_ngram, prompt, _target.VocabSize, _target.Device);
        return new ModelDraftSession(new ModelCursor(_drafter!, prompt, capacity), _transform, DrawDraft);
    }

    /// <summary>One draft-and-verify round at output position <paramref name="position"/> with up to k drafts.</summary>
    private RoundDecision Step(ModelCursor target, IDraftSession drafter, int position, int k, RoundClock clock)
    {
        var targetCached = target.Cache.Length + target.Pending.Count;
        var proposal = drafter.Propose(position, k);
        var drafts = proposal?.Drafts;
        k = drafts is null ? 0 : (int)drafts.shape[0];
        clock.Drafted();
        var targetLogits = target.Advance(drafts);
        clock.Verified();
        var targetDistributions = new TokenDistributions(targetLogits, _transform);
        var verification = Verify(targetDistributions, proposal, position, k);

        var accepted = 0;
        long final;
        while (true)
        {
            var targetToken = SettledTargetToken(verification, targetDistributions, accepted, position);
            if (accepted == k)
            {
                final = targetToken;
                break;
            }
            var agrees = verification.Accepted?[accepted] ?? targetToken == verification.Drafts[accepted];
            if (!agrees)
            {
                final = targetToken;
                break;
            }
            accepted++;
        }

        var compared = Math.Min(k, accepted + 1);
        var agreement = verification.Agreement
            ?? (_options.ComputePredictedAcceptance && DefersAgreement
                ? clock.Predict(() => DeferredAgreement(targetDistributions, proposal, compared))
                : null);
        target.Rollback(targetCached + accepted, [final]);
        drafter.Commit(verification.Drafts, accepted, final);
        return new RoundDecision(verification.Drafts, verification.TargetTokens, accepted,
            agreement?.Take(compared).ToArray());
    }

    private long SettledTargetToken(StepVerification verification, TokenDistributions targetDistributions, int row,
        int position)
    {
        var token = verification.TargetTokens[row];
        if (token < 0)
        {
            token = _sampler.Settle(targetDistributions, row, position + row);
            verification.TargetTokens[row] = token;
        }
        return token;
    }

    private Tensor DrawDraft(TokenDistributions distributions, long position)
    {
        if (_standard)
            return GumbelSampler.Sample(distributions.LogProbs, _options.Seed, position, RandomStream.StandardDraft);
        var draft = _sampler.DrawProposal(distributions, position);
        if (_sampler.DrawAlwaysSettles)
            return draft;
        // Unsettled rows (a rare miss of the first dart batch) get the drafter's argmax: any valid token keeps the
        // output exact, because emitted tokens are always the target's own samples. The argmax survives every
        // truncation, so it is a token the drafter could have drawn.
        return where(draft.lt(Scalars.Of(0L)), distributions.Logits.argmax(1), draft);
    }

    private StepVerification Verify(TokenDistributions target, DraftProposal? proposal, int position, int k)
    {
        var drafts = proposal?.Drafts;
        Tensor? acceptFlags = null;
        Tensor targetTokens;
        if (_standard)
            (targetTokens, acceptFlags) = StandardVerification(target, drafts, proposal?.Distributions, position, k);
        else
            targetTokens = _sampler.Draw(target, position);
        var withAgreement = _options.ComputePredictedAcceptance && proposal is not null && !DefersAgreement;
        var verification = StepVerification.Read(new VerificationTensors(targetTokens, drafts, acceptFlags,
            withAgreement ? PredictedAgreement(target.Slice(0, k), proposal!.Distributions) : null, FiniteCheck.Flag(target),
            proposal?.FiniteFlag));
        if (!verification.TargetFinite)
            throw FiniteCheck.Error(_target.Name, position, target);
        if (!verification.DrafterFinite)
            throw FiniteCheck.Error(_drafter!.Name, position, proposal!.Distributions);
        return verification;
    }

    /// <summary>
    /// On the CPU the exact agreement (a sort per row for Gumbel) is computed after the step, for the compared
    /// positions only; a second host read costs nothing there. Elsewhere it rides along with the step's one read.
    /// </summary>
    private bool DefersAgreement => _target.Device.type == DeviceType.CPU;

    /// <summary>The exact agreement of the compared rows; called only when the prediction is on and deferred.</summary>
    private double[]? DeferredAgreement(TokenDistributions target, DraftProposal? proposal, int compared)
    {
        if (proposal is null || compared == 0)
            return null;
        using var agreement = PredictedAgreement(target.Slice(0, compared), proposal.Distributions.Slice(0, compared));
        using var host = agreement.cpu();
        return host.data<double>().ToArray();
    }

    private Tensor PredictedAgreement(TokenDistributions target, TokenDistributions drafter)
    {
        if (!_standard)
            return _sampler.Agreement(target, drafter);
        return minimum(target.Probs, drafter.Probs).to_type(ScalarType.Float64).sum(1);
    }

    /// <summary>
    /// Leviathan et al.: accept draft x with probability min(1, p(x)/q(x)) (public uniform r: accept iff r·q(x) ≤ p(x)),
    /// otherwise sample from normalize(max(0, p − q)); after k acceptances a bonus sample from p.
    /// </summary>
    private (Tensor TargetTokens, Tensor? Accept) StandardVerification(TokenDistributions target, Tensor? drafts,
        TokenDistributions? drafter, int position, int k)
    {
        var bonusLogProbs = target.LogProbs.narrow(0, k, 1);
        var bonus = GumbelSampler.Sample(bonusLogProbs, _options.Seed, position + k, RandomStream.StandardResidual);
        if (k == 0 || drafts is null || drafter is null)
            return (bonus, null);
        var p = target.Probs.narrow(0, 0, k).to_type(ScalarType.Float64);
        var q = drafter.Probs.to_type(ScalarType.Float64);
        var index = drafts.unsqueeze(1);
        var pDraft = p.gather(1, index).squeeze(1);
        var qDraft = q.gather(1, index).squeeze(1);
        var r = PublicRandomness.UniformsForPositions(_options.Seed, position, k, 1, p.device,
            ScalarType.Float64, RandomStream.StandardAccept).squeeze(1);
        var accept = r.mul(qDraft).le(pDraft);
        var residual = p.sub(q).clamp_min(Scalars.Of(0.0));
        var residualMass = residual.sum(1, keepdim: true);
        var residualOrTarget = where(residualMass.gt(Scalars.Of(0L)), residual, p);
        var resampled = GumbelSampler.SampleFromProbabilities(residualOrTarget, _options.Seed, position,
            RandomStream.StandardResidual);
        return (cat([resampled, bonus], 0), accept);
    }
}
