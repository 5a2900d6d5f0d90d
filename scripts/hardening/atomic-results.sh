#!/usr/bin/env bash
# Measures the atomicity of generate-distribution's result folders (README, Reliability → Atomic results and signals).
#  1. Concurrent runs: each trial starts two runs into one prompt folder at once — seed 1 with the demo trio and
#     seed 2 with large + small only ("What is a lion?" and "What is a lion" share the folder) — and checks that the
#     folder afterwards is byte for byte one complete reference result (tables, tokens.csv, the file set, manifest
#     seed), never a mixture and never with a stale table; and that no work file (.*.<32 hex>.staging|old|tmp) is left.
#  2. Signals: each trial starts a run (seed 3) over an existing complete result and sends SIGINT or SIGTERM (alternating)
#     at a uniformly random moment of a typical run; checks exit 130/143 (or 0 when the run had finished), no work
#     file, and the folder still one complete reference result.
# Usage: scripts/hardening/atomic-results.sh [concurrent trials=100] [signal trials=20] [tokens=16]
# Prints one line per part: trials, failures, and how the trials ended. Exit 1 when any trial failed.
set -uo pipefail
set -m  # background jobs in their own process groups: a non-interactive shell would otherwise start them ignoring SIGINT
cd "$(dirname "$0")/../.."
concurrent=${1:-100}; signals=${2:-20}; tokens=${3:-16}
disd=${DISD:-src/DISD.Cli/bin/Release/net10.0/disd}
[ -x "$disd" ] || dotnet build src/DISD.Cli -c Release -v quiet -nologo >&2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
folder=What_is_a_lion
trio=(--input-text "What is a lion?")
pair=(--input-text "What is a lion" --model-large gemma2-wordnet-large --model-small gemma2-wordnet-small)

reference() { # name seed args...: a complete result made alone
  local name=$1 seed=$2; shift 2
  "$disd" generate-distribution "$@" --num-tokens "$tokens" --seed "$seed" --data-dir "$work/ref-$name" 2>/dev/null || exit 1
}
reference 1 1 "${trio[@]}"; reference 2 2 "${pair[@]}"; reference 3 3 "${trio[@]}"

# 0 when $1/$folder is exactly one reference result; prints its name.
matches() {
  local dir=$1/$folder name
  for name in 1 2 3; do
    local ref=$work/ref-$name/$folder ok=1
    [ "$(ls -A "$dir" 2>/dev/null)" = "$(ls -A "$ref")" ] || continue
    for f in "$ref"/*; do
      case $(basename "$f") in
        manifest.json) grep -q "\"seed\": $name," "$dir/manifest.json" || ok=0 ;;
        *) cmp -s "$f" "$dir/$(basename "$f")" || ok=0 ;;
      esac
    done
    [ $ok = 1 ] && { echo "$name"; return 0; }
  done
  return 1
}
debris() { find "$1" -regextype posix-extended -regex '.*/\.[^/]+\.[0-9a-f]{32}\.(staging|old|tmp)' | wc -l; }

mixed=0; left=0; declare -A won=()
for ((t = 0; t < concurrent; t++)); do
  data=$work/c$t
  "$disd" generate-distribution "${trio[@]}" --num-tokens "$tokens" --seed 1 --data-dir "$data" 2>/dev/null & a=$!
  "$disd" generate-distribution "${pair[@]}" --num-tokens "$tokens" --seed 2 --data-dir "$data" 2>/dev/null & b=$!
  wait $a; ca=$?; wait $b; cb=$?
  if [ $ca != 0 ] || [ $cb != 0 ] || ! w=$(matches "$data"); then mixed=$((mixed + 1)); echo "trial $t: exit $ca/$cb, folder not one whole run" >&2; else won[$w]=$(( ${won[$w]:-0} + 1 )); fi
  [ "$(debris "$data")" = 0 ] || { left=$((left + 1)); echo "trial $t: work files left" >&2; }
  rm -rf "$data"
done
echo "concurrent runs: $concurrent trials, $mixed mixed or incomplete folders, $left with work files left; last writer: seed 1 ${won[1]:-0}×, seed 2 ${won[2]:-0}×"

# A typical run's length, for the random moments.
start=$(date +%s%N); "$disd" generate-distribution "${trio[@]}" --num-tokens "$tokens" --seed 3 --data-dir "$work/timing" 2>/dev/null
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
bad=0; debris_trials=0; declare -A ended=()
for ((t = 0; t < signals; t++)); do
  data=$work/s$t
  cp -r "$work/ref-1" "$data"
  if ((t % 2)); then sig=TERM; code=143; else sig=INT; code=130; fi
  "$disd" generate-distribution "${trio[@]}" --num-tokens "$tokens" --seed 3 --data-dir "$data" 2>"$work/err" & p=$!
  delay_ms=$(( RANDOM % span_ms ))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -$sig $p 2>/dev/null; wait $p 2>/dev/null; rc=$?
  how=$( [ $rc = 0 ] && echo finished || { grep -q "unfinished outputs removed" "$work/err" && echo "$sig while writing" || echo "$sig before writing"; } )
  ended[$how]=$(( ${ended[$how]:-0} + 1 ))
  if { [ $rc != $code ] && [ $rc != 0 ]; } || ! matches "$data" >/dev/null; then bad=$((bad + 1)); echo "signal trial $t: exit $rc, $(tail -1 "$work/err")" >&2; fi
  [ "$(debris "$data")" = 0 ] || { debris_trials=$((debris_trials + 1)); echo "signal trial $t: work files left" >&2; }
  rm -rf "$data"
done
summary=$(for k in "${!ended[@]}"; do printf '%s %d×, ' "$k" "${ended[$k]}"; done)
echo "signals: $signals trials at random moments of a ${span_ms} ms run, $bad wrong exits or folders, $debris_trials with work files left; ${summary%, }"
[ $mixed = 0 ] && [ $left = 0 ] && [ $bad = 0 ] && [ $debris_trials = 0 ]
