using System.Diagnostics;
using DISD.Couplings;
using DISD.Models;
using static TorchSharp.torch;

namespace DISD.Decoding;

/// <summary>
/// Multi-draft DISD with Gumbel list sampling (K = <see cref="DecodingOptions.NumDrafts"/> lists): the drafter's K
/// branches form a <see cref="DraftTree"/>, one target call verifies the whole tree (tree attention mask, positions by
/// depth), and the walk from the root descends while the target's list-coupled token equals a child's token; the
/// first mismatch, or the bonus position after a leaf, emits the target's own token. Only the accepted path stays in
/// the target's cache. Every emitted token is the target's list-coupled sample given the emitted prefix, so the output
/// equals <see cref="TargetOnlyDecoder"/>'s with the same seed and K, whatever the drafter. A round's
/// <see cref="DecodingRound.DraftedIds"/> is the followed branch (the accepted path, then first children to a leaf), and
/// its <see cref="DecodingRound.Agreement"/> the exact acceptance at each compared node, when predicted acceptance is on.
/// </summary>
internal sealed class TreeSpeculativeDecoding(ICausalLanguageModel target, ICausalLanguageModel drafter,
    DecodingOptions options, SpeculativeOptions speculative)
{
    private readonly GumbelListCouplingSampler? _listSampler = options.Temperature > 0
        ? new GumbelListCouplingSampler(options.Seed, options.NumDrafts)
        : null;

    public DecodingResult Generate(IReadOnlyList<int> prompt)
    {
        PromptTensors.Require(prompt);
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        // Besides the committed tokens the target's cache holds one block: pending tokens (≤ depth + 1) and the tree (≤ K·depth).
        var capacity = prompt.Count + options.MaxNewTokens + (options.NumDrafts + 1) * (MultiDraftLimits.MaxDepth(speculative) + 1) + 1;
        using var targetCursor = new ModelCursor(target, prompt, capacity);
        using var drafterSession = new TreeDraftSession(new ModelCursor(drafter, prompt, capacity), options.Transform,
            DrawBranches);
        return SpeculationLoop.Run(target, options, speculative, clock, targetCursor, () => drafterSession.Calls,
            _listSampler is null ? null : _listSampler.Forget,
            (position, depth, roundClock) => Step(targetCursor, drafterSession, position, depth, roundClock));
    }

    private RoundDecision Step(ModelCursor targetCursor, TreeDraftSession drafterSession, int position, int depth,
        RoundClock clock)
    {
        var tree = drafterSession.Propose(position, depth, depth == 0 ? 0 : options.NumDrafts);
        clock.Drafted();
        var rows = targetCursor.AdvanceTree(tree.Tokens, tree.Parents);
        if (tree.Count == 0)
            rows = rows.narrow(0, rows.shape[0] - 1, 1);
        clock.Verified();
        var distributions = new TokenDistributions(rows, options.Transform);
        var targetTokens = TargetTokens(distributions, tree, position);

        // Row 0 is the root, row 1 + n the position after node n.
        var path = new List<int>();
        var node = -1;
        while (true)
        {
            var child = tree.Find(node, targetTokens[node + 1]);
            if (child < 0)
                break;
            path.Add(child);
            node = child;
        }
        var final = targetTokens[node + 1];
        if (tree.Count == 0)
            targetCursor.Rollback(targetCursor.Cache.Length, [final]);
        else
            targetCursor.KeepPath(path, final);
        drafterSession.Commit(tree, path, final);

        var followed = new List<int>(path);
        for (var next = tree.FirstChild(node); next >= 0; next = tree.FirstChild(next))
            followed.Add(next);
        var agreement = clock.Predict(() => CompareAgreement(distributions, drafterSession, tree, path));
        return new RoundDecision(followed.Select(n => tree.Tokens[n]).ToArray(),
            new[] { targetTokens[0] }.Concat(followed.Select(n => targetTokens[n + 1])).ToArray(), path.Count, agreement);
    }

    /// <summary>The target's list-coupled token of every row (root, then each node), read back with the finiteness check in one transfer.</summary>
    private long[] TargetTokens(TokenDistributions distributions, DraftTree tree, int position)
    {
        Tensor tokens;
        if (_listSampler is null)
            tokens = distributions.Logits.argmax(1);
        else
        {
            var maxDepth = Enumerable.Range(0, tree.Count).Select(tree.Depth).DefaultIfEmpty(-1).Max();
            var noise = _listSampler.TargetNoise(position, maxDepth + 2, distributions.Vocab, distributions.Logits.device);
            var rowDepths = new long[tree.Count + 1];
            for (var n = 0; n < tree.Count; n++)
                rowDepths[n + 1] = tree.Depth(n) + 1;
            var index = tensor(rowDepths, ScalarType.Int64, noise.device);
            tokens = GumbelSampler.SampleWithNoise(distributions.LogProbs, noise.index_select(0, index));
        }
        var finite = FiniteCheck.Flag(distributions);
        var host = HostSegments.Read(tokens, finite);
        if (!host.Flag(finite))
            throw FiniteCheck.Error(target.Name, position, distributions);
        return host.Longs(tokens)!;
    }

    /// <summary>Row k of <paramref name="distributions"/> is branch k's: its draft with list k's randomness at <paramref name="position"/>.</summary>
    private Tensor DrawBranches(TokenDistributions distributions, long position)
    {
        if (_listSampler is null)
            return distributions.Logits.argmax(1);
        var noise = stack(Enumerable.Range(0, distributions.Rows).Select(list =>
            GumbelListSampler.ListRowNoise(options.Seed, position, list, distributions.Vocab, distributions.Logits.device)).ToArray());
        return GumbelSampler.SampleWithNoise(distributions.LogProbs, noise);
    }

    /// <summary>
    /// The exact acceptance at each compared node (the root, then every accepted node with children): Pr[the target's
    /// token ∈ the children] with K lists of which the D branches through the node are drafted
    /// (<see cref="ExactListAgreement.Gumbel(ReadOnlySpan{double}, ReadOnlySpan{double}, int, int)"/>), on the host.
    /// </summary>
    private double[]? CompareAgreement(TokenDistributions target, TreeDraftSession drafterSession, DraftTree tree,
        IReadOnlyList<int> path)
    {
        if (!options.ComputePredictedAcceptance || _listSampler is null || tree.Count == 0)
            return null;
        var compared = new[] { -1 }.Concat(path.Where(node => tree.FirstChild(node) >= 0)).ToArray();
        var index = tensor(compared.Select(node => (long)node + 1).ToArray(), ScalarType.Int64, target.Logits.device);
        var targetProbs = target.Probs.index_select(0, index).to_type(ScalarType.Float64).cpu();
        var drafterLogits = cat(compared.Select(drafterSession.RowAfter).ToArray(), 0);
        var drafterProbs = new TokenDistributions(drafterLogits, options.Transform).Probs.to_type(ScalarType.Float64).cpu();
        var q = targetProbs.data<double>().ToArray();
        var p = drafterProbs.data<double>().ToArray();
        var vocab = target.Vocab;
        return compared.Select((node, row) => ExactListAgreement.Gumbel(p.AsSpan(row * vocab, vocab),
            q.AsSpan(row * vocab, vocab), options.NumDrafts, tree.Branches(node))).ToArray();
    }
}
