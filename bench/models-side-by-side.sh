#!/usr/bin/env bash
# disd's decode steps against the eager PyTorch baseline (bench/python/gemma2_eager.py) of the same model, run in
# alternating rounds in one invocation so that their ratio holds on a shared, noisy machine.
# Usage: bench/models-side-by-side.sh [SHAPE=demo-large|gemma2-150m] [THREADS=1] [ROUNDS=3] [BLAS=blis|openblas|system] [DTYPE=float32]
# Needs Debian's python3-torch (/usr/bin/python3) and, for BLAS=blis / openblas, libblis4-openmp / libopenblas0-openmp.
# Prints a markdown table (min over rounds of the per-round minima, median of the per-round medians); raw JSON in $OUT_DIR.
set -euo pipefail
SHAPE=${1:-demo-large}; THREADS=${2:-1}; ROUNDS=${3:-3}; BLAS=${4:-blis}; DTYPE=${5:-float32}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench/DISD.Bench.Models/bin/Release/net10.0/DISD.Bench.Models.dll
PYTHON=${PYTHON:-/usr/bin/python3}
OUT_DIR=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$OUT_DIR"
case $BLAS in
  blis) BLAS_DIR=/usr/lib/x86_64-linux-gnu/blis-openmp ;;
  openblas) BLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp ;;
  system) BLAS_DIR= ;;
  *) echo "BLAS must be blis, openblas or system" >&2; exit 2 ;;
esac
[ -f "$BENCH" ] || dotnet build "$ROOT/bench/DISD.Bench.Models" -c Release >&2
case $SHAPE in
  demo-large) MODEL=$ROOT/models/gemma2-wordnet-large ;;
  gemma2-150m) MODEL=${TMPDIR:-/tmp}/disd-bench-models/gemma2-150m ;;
  *) echo "SHAPE must be demo-large or gemma2-150m" >&2; exit 2 ;;
esac
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$ROUNDS"); do
  dotnet "$BENCH" --shape "$SHAPE" --threads "$THREADS" --dtype "$DTYPE" --json 2>>"$OUT_DIR/log.txt" >>"$OUT_DIR/disd.jsonl"
  LD_PRELOAD=${BLAS_DIR:+$BLAS_DIR/libblas.so.3} OMP_NUM_THREADS=$THREADS BLIS_NUM_THREADS=$THREADS \
    "$PYTHON" "$ROOT/bench/python/gemma2_eager.py" --model "$MODEL" --shape "$SHAPE" --threads "$THREADS" --dtype "$DTYPE" --json \
    2>>"$OUT_DIR/log.txt" >>"$OUT_DIR/pytorch.jsonl"
  echo "round $round done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); raw results in $OUT_DIR" >&2
"$PYTHON" - "$OUT_DIR" <<'PY'
import json, statistics, sys
out = sys.argv[1]
runs = {name: [json.loads(line) for line in open(f"{out}/{name}.jsonl")] for name in ("disd", "pytorch")}
def table(rows):
    result = {}
    for run in rows:
        for s in run["steps"]:
            result.setdefault((s["block"], s["position"]), []).append((s["min_ms"], s["median_ms"]))
    return {k: (min(m for m, _ in v), statistics.median(md for _, md in v)) for k, v in result.items()}
d, p = table(runs["disd"]), table(runs["pytorch"])
first = runs["pytorch"][0]
print(f"shape {runs['disd'][0]['shape']}, {runs['disd'][0]['dtype']}, {runs['disd'][0]['threads']} threads, {len(runs['disd'])} rounds; "
      f"PyTorch {first['torch']} with {first['blas']}")
print(f"ops per step: disd {runs['disd'][-1]['ops_per_step']} dispatched / {runs['disd'][-1]['top_level_ops_per_step']} called directly, "
      f"PyTorch {first['ops_per_step']} / {first['top_level_ops_per_step']}")
print("| block | position | disd min ms | disd median ms | PyTorch min ms | PyTorch median ms | disd / PyTorch (min) |")
print("|---|---|---|---|---|---|---|")
for key in sorted(d):
    print(f"| {key[0]} | {key[1]} | {d[key][0]:.2f} | {d[key][1]:.2f} | {p[key][0]:.2f} | {p[key][1]:.2f} | {d[key][0] / p[key][0]:.2f} |")
one = {pos: d[(1, pos)][0] for pos in (16, 512)}
bandwidths = [run["bandwidth_gb_s"] for run in runs["disd"] if "bandwidth_gb_s" in run]
if bandwidths:
    best = max(bandwidths)
    limit = runs["disd"][0]["weights_mb"] / best
    print(f"memory: {min(bandwidths):.1f}-{best:.1f} GB/s streaming read over the rounds; {runs['disd'][0]['weights_mb']} MB of weights -> "
          f"limit {limit:.2f} ms at the best; disd one token (min) = {min(one.values()) / limit:.2f}x that")
for (block, pos), (m, _) in sorted(d.items()):
    if block > 1:
        print(f"disd block of {block} / one token at position {pos} (min): {m / one[pos]:.2f}")
PY
