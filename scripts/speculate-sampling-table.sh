#!/usr/bin/env bash
# Speculative decoding on the demo trio under sampling transforms: plain sampling, top-p 0.9 and top-k 20;
# DISD (Gumbel, weighted MinHash) and standard speculative sampling; drafters small, medium and ngram (prompt lookup);
# k = 4. Prompts: examples/repeat-prompts.txt, questions whose answer repeats text of the prompt (each is a question,
# the target's own seed-0 answer, and the question again). Prints markdown: acceptance (observed per compared position
# vs the exact prediction), τ (tokens per verification round, Spec-Bench's mean accepted tokens), speed-up over
# target-only decoding measured in the same process (speculative and target-only runs alternate per repeat;
# per-prompt medians), then the same-seed outputs of every drafter under top-p 0.9.
#
# Usage: scripts/speculate-sampling-table.sh [repeats=2] [max-new-tokens=64] [threads=1] [device=cpu] > table.md
# Needs: dotnet, jq. Raw JSON goes to $OUT_DIR (default: a temp folder). DRAFTERS (default "small medium ngram")
# and SAMPLINGS (default "plain,top-p 0.9,top-k 20") restrict the matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-2}
MAX_NEW=${2:-64}
THREADS=${3:-1}
DEVICE=${4:-cpu}
PROMPTS=${PROMPTS:-examples/repeat-prompts.txt}
OUT_DIR=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$OUT_DIR"

dotnet build src/DISD.Cli -c Release -v q -nologo >&2
DISD=src/DISD.Cli/bin/Release/net10.0/disd
common=(--prompts-file "$PROMPTS" --max-new-tokens "$MAX_NEW" --repeats "$REPEATS" --threads "$THREADS" --device "$DEVICE" --seed 0 --draft-length 4 --json)

echo "Machine: $(nproc) CPU cores, $(uname -m); device $DEVICE, $THREADS torch thread(s); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Prompts: $(wc -l < "$PROMPTS") ($PROMPTS), up to $MAX_NEW new tokens (stopping at EOS), seed 0, T = 1, k = 4,"
echo "$REPEATS timed repeats per prompt after one warm-up, speculative and target-only alternating; per-prompt medians summed over the prompts."
echo
echo "| sampling | drafter | method | coupling | observed acc. | predicted acc. | τ | tok/s | target-only tok/s | speed-up | median speed-up | = target-only |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
IFS=, read -r -a SAMPLING_LIST <<< "${SAMPLINGS:-plain,top-p 0.9,top-k 20}"
for sampling in "${SAMPLING_LIST[@]}"; do
  case "$sampling" in
    plain) extra=() ;;
    "top-p 0.9") extra=(--top-p 0.9) ;;
    "top-k 20") extra=(--top-k 20) ;;
  esac
  for drafter in ${DRAFTERS:-small medium ngram}; do
    model=$drafter; [ "$drafter" = ngram ] || model="gemma2-wordnet-$drafter"
    for mc in "disd gumbel" "disd wmh" "standard gumbel"; do
      set -- $mc
      file="$OUT_DIR/${sampling// /}-$drafter-$1-$2.json"
      if ! "$DISD" speculate "${common[@]}" "${extra[@]}" --drafter "$model" --method "$1" --coupling "$2" > "$file" 2> "$file.log"; then
        echo "| $sampling | $drafter | $1 | $2 | failed: $(grep -m1 'disd: error' "$file.log" | cut -c1-80) |||||||"
        continue
      fi
      jq -r --arg s "$sampling" --arg d "$drafter" --arg m "$1" --arg c "$2" '.aggregate as $a |
        "| \($s) | \($d) | \($m) | \($c) | \($a.observed_acceptance*1000|round/1000) | \($a.predicted_acceptance*1000|round/1000) | \($a.mean_accepted_length*100|round/100) | \($a.tokens_per_second*10|round/10) | \($a.target_only_tokens_per_second*10|round/10) | \($a.speedup*100|round/100) | \($a.median_speedup*100|round/100) | \(if $m == "disd" then (if $a.all_identical_to_target_only then "yes" else "NO" end) else "-" end) |"' "$file"
    done
  done
done

echo
echo "Same seed, different drafters, top-p 0.9 (prompt \"What is a sorting algorithm?\", k = 4, 24 tokens):"
echo
echo "| method | coupling | drafter | acceptance | output |"
echo "|---|---|---|---|---|"
for mc in "disd gumbel" "disd wmh" "standard gumbel"; do
  set -- $mc
  for drafter in none gemma2-wordnet-small gemma2-wordnet-medium ngram; do
    if [ "$drafter" = none ] && [ "$1" = standard ]; then continue; fi
    "$DISD" speculate --input-text "What is a sorting algorithm?" --max-new-tokens 24 --draft-length 4 --seed 7 --top-p 0.9 \
      --threads "$THREADS" --device "$DEVICE" --method "$1" --coupling "$2" --drafter "$drafter" --json 2>/dev/null |
      jq -r --arg m "$1" --arg c "$2" '"| \($m) | \($c) | \(.drafter) | \(if .acceptance_rate == null then "-" else (.acceptance_rate*1000|round/1000) end) | `\(.text)` |"'
  done
done
echo
echo "Raw JSON: $OUT_DIR" >&2
