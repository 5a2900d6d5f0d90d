#!/usr/bin/env bash
# Where the time of `disd speculate` goes, from the raw JSON that speculate-table.sh leaves in OUT_DIR:
# per configuration, milliseconds per target call, per drafter call, and the remaining host time per target call
# (sampling: Gumbel noise or WMH dart hashing; verification; host reads; cache bookkeeping). Times are the medians
# summed over the prompts, divided by the calls of one run.
# Usage: scripts/speculate-time-split.sh OUT_DIR
set -euo pipefail
DIR=${1:?usage: $0 OUT_DIR (printed by speculate-table.sh)}
echo "| configuration | target ms/call | drafter ms/call | other ms/step | share target / drafter / other |"
echo "|---|---|---|---|---|"
for file in "$DIR"/*.json; do
  jq -r --arg name "$(basename "$file" .json)" '
    .aggregate as $a |
    ([.prompts[].target_calls] | add) as $tc |
    ([.prompts[].drafter_calls] | add) as $dc |
    ($a.target_seconds + $a.drafter_seconds + $a.other_seconds) as $total |
    "| \($name) | \($a.target_seconds / $tc * 1000 * 100 | round / 100) | \(if $dc > 0 then ($a.drafter_seconds / $dc * 1000 * 100 | round / 100) else "-" end) | \($a.other_seconds / $tc * 1000 * 100 | round / 100) | \($a.target_seconds / $total * 100 | round)% / \($a.drafter_seconds / $total * 100 | round)% / \($a.other_seconds / $total * 100 | round)% |"' "$file"
done

# Torch intra-op threads: the same run (small drafter, k = 4, Gumbel, batch of 8 prompts) with 1 thread and with
# libtorch's default (one per core), alternating, 3 times each; median wall time of the speculative runs.
DISD=$(dirname "$0")/../src/DISD.Cli/bin/Release/net10.0/disd
PROMPTS=$(dirname "$0")/speculate-prompts.txt
echo
echo "Load average before the threads comparison: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| torch threads | speculative s (median of 3) | target ms/call | drafter ms/call |"
echo "|---|---|---|---|"
for t in 1 0; do
  for r in 1 2 3; do
    "$DISD" speculate --prompts-file "$PROMPTS" --max-new-tokens 64 --draft-length 4 --threads "$t" --json 2>/dev/null |
      jq -r '[(.prompts | map(.seconds) | add), (.aggregate.target_seconds / ([.prompts[].target_calls] | add) * 1000), (.aggregate.drafter_seconds / ([.prompts[].drafter_calls] | add) * 1000)] | @tsv'
  done | sort -n | sed -n 2p | awk -v t="$t" '{ printf "| %s | %.2f | %.2f | %.2f |\n", (t == 0 ? "default ('"$(nproc)"')" : t), $1, $2, $3 }'
done

# The exact predicted acceptance (a sort of V entries per drafted position) with and without, 1 thread, same batch.
echo
echo "| predicted acceptance | speculative s (median of 3) | other ms/step |"
echo "|---|---|---|"
for flag in "" --no-predicted-acceptance; do
  for r in 1 2 3; do
    "$DISD" speculate --prompts-file "$PROMPTS" --max-new-tokens 64 --draft-length 4 --threads 1 $flag --json 2>/dev/null |
      jq -r '[(.prompts | map(.seconds) | add), (.aggregate.other_seconds / ([.prompts[].target_calls] | add) * 1000)] | @tsv'
  done | sort -n | sed -n 2p | awk -v f="$flag" '{ printf "| %s | %.2f | %.2f |\n", (f == "" ? "computed" : "skipped"), $1, $2 }'
done
