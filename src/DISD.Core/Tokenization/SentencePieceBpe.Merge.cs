namespace DISD.Tokenization;

/// <summary>The merge loop of sentencepiece's bpe_model.cc, step for step.</summary>
internal sealed partial class SentencePieceBpe
{
    private struct Symbol
    {
        public int Start;
        public int Length;
        public int Prev;
        public int Next;
        public bool Frozen;
    }

    private readonly record struct SymbolPair(int Left, int Right, int Length);

    /// <summary>Highest score first; among equal scores the leftmost pair (sentencepiece's <c>SymbolPairComparator</c>).</summary>
    private sealed class AgendaOrder : IComparer<(float Score, int Left)>
    {
        public static readonly AgendaOrder Instance = new();

        public int Compare((float Score, int Left) x, (float Score, int Left) y) =>
            x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Left.CompareTo(y.Left);
    }

    /// <summary>
    /// The pieces of <paramref name="normalized"/> with their ids (unknown pieces as the unknown id); <c>Symbol</c>
    /// marks a matched user-defined or added symbol, whose id stands even where it is the unknown id (Gemma's
    /// added <c>&lt;unk&gt;</c>).
    /// </summary>
    private List<(string Piece, int Id, bool Symbol)> Segment(string normalized)
    {
        var output = new List<(string Piece, int Id, bool Symbol)>();
        if (normalized.Length == 0)
        {
            return output;
        }

        var symbols = SplitIntoSymbols(normalized);
        var agenda = new PriorityQueue<SymbolPair, (float Score, int Left)>(AgendaOrder.Instance);

        // For unused pieces that were merged: how to split them again (sentencepiece's rev_merge, last write wins).
        var reverseMerges = new Dictionary<string, (string Left, string Right)>(StringComparer.Ordinal);

        void MaybeAddPair(int left, int right)
        {
            if (left == -1 || right == -1 || symbols[left].Frozen || symbols[right].Frozen)
            {
                return;
            }

            var merged = normalized.AsSpan(symbols[left].Start, symbols[left].Length + symbols[right].Length);
            if (!_mergeableBySpan.TryGetValue(merged, out int id))
            {
                return;
            }

            agenda.Enqueue(new SymbolPair(left, right, merged.Length), (_entries[id].Score, left));
            if (_entries[id].Kind == SentencePieceKind.Unused)
            {
                reverseMerges[merged.ToString()] = (Text(symbols[left]), Text(symbols[right]));
            }
        }

        string Text(Symbol s) => normalized.Substring(s.Start, s.Length);

        for (int i = 1; i < symbols.Length; i++)
        {
            MaybeAddPair(i - 1, i);
        }

        while (agenda.TryDequeue(out var top, out _))
        {
            ref var left = ref symbols[top.Left];
            ref var right = ref symbols[top.Right];
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
            {
                continue; // stale: one side has changed since this pair was queued
            }

            left.Length += right.Length;
            left.Next = right.Next;
            if (right.Next >= 0)
            {
                symbols[right.Next].Prev = top.Left;
            }

            right.Length = 0;
            MaybeAddPair(left.Prev, top.Left);
            MaybeAddPair(top.Left, left.Next);
        }

        for (int index = 0; index != -1; index = symbols[index].Next)
        {
            string piece = Text(symbols[index]);
            if (symbols[index].Frozen)
            {
                output.Add((piece, _symbols[piece], true));
            }
            else
            {
                Resegment(piece, reverseMerges, output);
            }
        }

        return output;
    }

    private Symbol[] SplitIntoSymbols(string normalized)
    {
        var symbols = new List<Symbol>();
        for (int start = 0; start < normalized.Length;)
        {
            int length = _symbolMatcher.Match(normalized, start, out bool frozen);
            int index = symbols.Count;
            symbols.Add(new Symbol
            {
                Start = start,
                Length = length,
                Prev = index - 1,
                Next = start + length < normalized.Length ? index + 1 : -1,
                Frozen = frozen,
            });
            start += length;
        }

        return [.. symbols];
    }

    /// <summary>Unused pieces may be merged through but are not emitted: they are split back into their halves.</summary>
    private void Resegment(string piece, Dictionary<string, (string Left, string Right)> reverseMerges, List<(string Piece, int Id, bool Symbol)> output)
    {
        int id = PieceToId(piece);
        if (_entries[id].Kind != SentencePieceKind.Unused || !reverseMerges.TryGetValue(piece, out var halves))
        {
            output.Add((piece, id, false));
            return;
        }

        Resegment(halves.Left, reverseMerges, output);
        Resegment(halves.Right, reverseMerges, output);
    }
}
