#!/usr/bin/env bash
# Measures speculative decoding on the demo trio (target gemma2-wordnet-large; drafters small and medium;
# k = 2, 4, 8; DISD with Gumbel and with weighted MinHash, and standard speculative sampling) with
# `disd speculate --prompts-file`, and prints markdown tables (medians over repeats, aggregated over prompts)
# plus a demonstration that DISD's output does not depend on the drafter.
#
# Usage: scripts/speculate-table.sh [repeats=3] [max-new-tokens=64] [threads=1] [device=cpu] > table.md
# Needs: dotnet, jq. Raw JSON goes to $OUT_DIR (default: a temp folder).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
MAX_NEW=${2:-64}
THREADS=${3:-1}
DEVICE=${4:-cpu}
PROMPTS=scripts/speculate-prompts.txt
OUT_DIR=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$OUT_DIR"

dotnet build src/DISD.Cli -c Release -v q -nologo >&2
DISD=src/DISD.Cli/bin/Release/net10.0/disd
common=(--prompts-file "$PROMPTS" --max-new-tokens "$MAX_NEW" --repeats "$REPEATS" --threads "$THREADS" --device "$DEVICE" --seed 0 --json)

echo "Machine: $(nproc) CPU cores, $(uname -m); device $DEVICE, $THREADS torch thread(s); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Prompts: $(wc -l < "$PROMPTS") ($PROMPTS), up to $MAX_NEW new tokens (stopping at EOS), seed 0, T = 1,"
echo "$REPEATS timed repeats per prompt after one warm-up; times are per-prompt medians summed over the prompts."
echo
echo "| drafter | k | method | coupling | acceptance | observed acc. | predicted acc. | block eff. | tok/s | target-only tok/s | speed-up | median speed-up | target s | drafter s | other s | = target-only |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for drafter in small medium; do
  for k in 2 4 8; do
    for mc in "disd gumbel" "disd wmh" "standard gumbel"; do
      set -- $mc
      file="$OUT_DIR/$drafter-k$k-$1-$2.json"
      "$DISD" speculate "${common[@]}" --drafter "gemma2-wordnet-$drafter" --draft-length "$k" --method "$1" --coupling "$2" > "$file" 2> "$file.log"
      jq -r --arg d "$drafter" --arg k "$k" --arg m "$1" --arg c "$2" '.aggregate as $a |
        "| \($d) | \($k) | \($m) | \($c) | \($a.acceptance_rate*1000|round/1000) | \($a.observed_acceptance*1000|round/1000) | \($a.predicted_acceptance*1000|round/1000) | \($a.block_efficiency*100|round/100) | \($a.tokens_per_second*10|round/10) | \($a.target_only_tokens_per_second*10|round/10) | \($a.speedup*100|round/100) | \($a.median_speedup*100|round/100) | \($a.target_seconds*100|round/100) | \($a.drafter_seconds*100|round/100) | \($a.other_seconds*100|round/100) | \(if $m == "disd" then (if $a.all_identical_to_target_only then "yes" else "NO" end) else "-" end) |"' "$file"
    done
  done
done

echo
echo "Same seed, different drafters (prompt \"What is a sorting algorithm?\", k = 4, 24 tokens):"
echo
echo "| method | coupling | drafter | acceptance | output |"
echo "|---|---|---|---|---|"
for mc in "disd gumbel" "disd wmh" "standard gumbel"; do
  set -- $mc
  for drafter in none gemma2-wordnet-small gemma2-wordnet-medium; do
    if [ "$drafter" = none ] && [ "$1" = standard ]; then continue; fi
    "$DISD" speculate --input-text "What is a sorting algorithm?" --max-new-tokens 24 --draft-length 4 --seed 7 \
      --threads "$THREADS" --device "$DEVICE" --method "$1" --coupling "$2" --drafter "$drafter" --json 2>/dev/null |
      jq -r --arg m "$1" --arg c "$2" '"| \($m) | \($c) | \(.drafter) | \(if .acceptance_rate == null then "-" else (.acceptance_rate*1000|round/1000) end) | `\(.text)` |"'
  done
done
echo
echo "Raw JSON: $OUT_DIR" >&2
