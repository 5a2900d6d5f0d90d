#!/usr/bin/env bash
# The paper's vocabulary size on the CPU (issue 19): three random-weight Gemma-2-architecture checkpoints (hidden 64,
# 2 layers, bf16; disd-bench-gpu's v262k config) carrying the real Gemma-3 tokenizer.json the tests ship
# (V = 262,145), then
#   generate-distribution (3 models × 32 tokens) per table format: load time, table sizes, write time, wall, peak RSS;
#   plot-coupling (large vs small, 32 positions × 20,000 trials, both couplings, exact values, figure) per format:
#     wall and peak RSS;
#   speculate (64 tokens, target-only and with the small model drafting): other_seconds per token.
#   plot-coupling once more on a realistic V = 256,000 table pair (disd-bench-couplings tables: Zipf-like rows, D_TV
#     from 0 to 0.9 over 32 positions), per format.
# Random weights give flat distributions (D_TV small), the race engine's worst case. Prints a markdown table; the runs'
# files stay in $WORK.
# Usage: bench/v262k.sh [WORK=/tmp/disd-v262k] [THREADS=2]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-${TMPDIR:-/tmp}/disd-v262k}; THREADS=${2:-2}
mkdir -p "$WORK"
dotnet build "$ROOT/src/DISD.Cli" -c Release -v quiet -nologo >&2
dotnet build "$ROOT/bench/DISD.Bench.Gpu" -c Release -v quiet -nologo >&2
dotnet build "$ROOT/bench/DISD.Bench.Couplings" -c Release -v quiet -nologo >&2
DISD=$ROOT/src/DISD.Cli/bin/Release/net10.0/disd
BENCH=$ROOT/bench/DISD.Bench.Gpu/bin/Release/net10.0/disd-bench-gpu
TABLES=$ROOT/bench/DISD.Bench.Couplings/bin/Release/net10.0/DISD.Bench.Couplings
TOKENIZER=$ROOT/tests/DISD.Tests/fixtures/tokenizers-real/gemma3
seed=1
for model in large medium small; do
  "$BENCH" checkpoint --config v262k --work "$WORK/$model" --seed $seed >/dev/null
  xz -dc "$TOKENIZER/tokenizer.json.xz" > "$WORK/$model/tokenizer.json"
  xz -dc "$TOKENIZER/tokenizer_config.json.xz" > "$WORK/$model/tokenizer_config.json"
  seed=$((seed + 1))
done
timed() { # $1: file for /usr/bin/time's "wall peak_kb"; rest: the command
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$out" "$@"
}
echo "| run | wall s | peak RSS MB | details |"
echo "|---|---|---|---|"
for format in csv safetensors; do
  data=$WORK/data-$format; rm -rf "$data" "$WORK/img-$format"
  timed "$WORK/time-gen-$format" "$DISD" generate-distribution --model-large "$WORK/large" --model-medium "$WORK/medium" \
    --model-small "$WORK/small" --input-text "What is the lower bound for sorting?" --num-tokens 32 --seed 0 --threads "$THREADS" \
    --table-format "$format" --data-dir "$data" --json > "$WORK/gen-$format.json" 2> "$WORK/gen-$format.log"
  bytes=$(du -cb "$data"/*/*_probs.* | tail -1 | cut -f1)
  read -r wall kb < "$WORK/time-gen-$format"
  details=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['prompts'][0]; print(f\"load {d['load_seconds']:.2f} s, tables {int(sys.argv[2])/1e6:.1f} MB\")" \
    "$WORK/gen-$format.json" "$bytes")
  echo "| generate-distribution, $format | $wall | $((kb / 1024)) | $details |"
  timed "$WORK/time-plot-$format" "$DISD" plot-coupling --input-text "What is the lower bound for sorting?" --model-large large \
    --model-small small --num-tokens 32 --seed 0 --data-dir "$data" --img-dir "$WORK/img-$format" > /dev/null 2> "$WORK/plot-$format.log"
  read -r wall kb < "$WORK/time-plot-$format"
  echo "| plot-coupling, $format tables | $wall | $((kb / 1024)) | 32 positions × 20,000 trials |"
done
PROMPT_DIR=What_is_the_lower_bound_for_sorting
rm -rf "$WORK/real-all" "$WORK/real-csv" "$WORK/real-safetensors"
"$TABLES" tables "$WORK/real-all/$PROMPT_DIR" 256000 32 >&2
for format in csv safetensors; do
  mkdir -p "$WORK/real-$format/$PROMPT_DIR"
  mv "$WORK/real-all/$PROMPT_DIR"/*_probs."$format" "$WORK/real-$format/$PROMPT_DIR/"
  timed "$WORK/time-real-$format" "$DISD" plot-coupling --input-text "What is the lower bound for sorting?" --model-large large \
    --model-small small --num-tokens 32 --seed 0 --data-dir "$WORK/real-$format" --img-dir "$WORK/img-real-$format" > /dev/null \
    2> "$WORK/plot-real-$format.log"
  read -r wall kb < "$WORK/time-real-$format"
  bytes=$(du -cb "$WORK/real-$format/$PROMPT_DIR"/*_probs.* | tail -1 | cut -f1)
  echo "| plot-coupling, realistic V = 256,000 pair, $format | $wall | $((kb / 1024)) | tables $((bytes / 1000000)) MB; D_TV 0 to 0.9 |"
done
for drafter in none "$WORK/small"; do
  timed "$WORK/time-spec" "$DISD" speculate --target "$WORK/large" --drafter "$drafter" --input-text "What is the lower bound for sorting?" \
    --max-new-tokens 64 --seed 0 --threads "$THREADS" --json > "$WORK/spec.json" 2> "$WORK/spec.log"
  read -r wall kb < "$WORK/time-spec"
  details=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); n=len(d.get('token_ids') or []) or 64; \
print(f\"other {d['other_seconds']:.3f} s = {1000*d['other_seconds']/n:.2f} ms/token; target {d['target_seconds']:.2f} s, \
drafter {d['drafter_seconds']:.2f} s, predicted acceptance {d.get('prediction_seconds', 0):.2f} s\")" "$WORK/spec.json")
  echo "| speculate, drafter $(basename "$drafter") | $wall | $((kb / 1024)) | $details |"
done
