#!/usr/bin/env bash
# The one prepared GPU check (docs/run-on-gpu.md). Run on a machine with an NVIDIA GPU and PyTorch (CUDA) installed,
# from the repository root, with the bundle of scripts/gpu-bundle.sh:
#   scripts/gpu-check.sh [dist/disd-linux-x64.tar.xz | bundle-dir]
# Writes at most 7 files to $OUT (default ./gpu-check-out): gpu-check.log (everything), nvidia-smi.txt, golden-cuda.md,
# bench-2b-cuda.md, bench-9b-cuda.md (if time is left) and plot-coupling.png.
# Finishes within DEADLINE_S seconds (default 450); every step has its own timeout, so a stuck step costs only itself.
# DEVICE (default cuda) and BENCH_CONFIG (default 2b) exist to dry-run the script on a CPU: DEVICE=cpu BENCH_CONFIG=tiny.
set -uo pipefail
device=${DEVICE:-cuda}
config=${BENCH_CONFIG:-2b}
start=$SECONDS
deadline=${DEADLINE_S:-450}
out=${OUT:-gpu-check-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/gpu-check.log"
say() { echo "== $* ($(( SECONDS - start )) s)" | tee -a "$log"; }
left() { echo $(( deadline - (SECONDS - start) )); }
# step NAME SECONDS COMMAND...: runs with a timeout capped by the time left; output to the log; never aborts the script.
step() {
  local name=$1 limit=$2; shift 2
  local budget; budget=$(left)
  (( limit > budget )) && limit=$budget
  if (( limit < 10 )); then say "$name: skipped (no time left)"; return 0; fi
  say "$name (timeout ${limit} s)"
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
  local rc=$?
  say "$name: exit $rc$([[ $rc == 124 ]] && echo ' (timed out)')"
  return 0
}

bundle=${1:-dist/disd-linux-x64.tar.xz}
if [[ -f "$bundle" ]]; then
  mkdir -p /tmp/disd-gpu-check && tar -xJf "$bundle" -C /tmp/disd-gpu-check
  dir=/tmp/disd-gpu-check/$(basename "$bundle" .tar.xz)
else
  dir=$bundle
fi
[[ -x "$dir/disd-gpu" ]] || { echo "gpu-check: no bundle at $bundle (build it with scripts/gpu-bundle.sh)" | tee -a "$log"; exit 2; }
fixtures=$dir/fixtures/golden
[[ -d tests/DISD.Tests/fixtures/golden ]] && fixtures=tests/DISD.Tests/fixtures/golden

say "machine"
{ nvidia-smi; nvidia-smi --query-gpu=index,name,memory.total,memory.used,driver_version --format=csv; } >"$out/nvidia-smi.txt" 2>&1
cat "$out/nvidia-smi.txt" >>"$log"
nproc >>"$log"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(),
  [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())])' >>"$log" 2>&1

bench=(env DISD_PROGRAM=disd-bench-gpu "$dir/disd-gpu")
step "golden logits on $device (float32, TF32 off, tolerance 1e-3)" 120 "${bench[@]}" golden --fixtures "$fixtures" --device "$device" --tolerance 1e-3 --out "$out"
step "bench $config on $device (bf16)" 300 "${bench[@]}" --config "$config" --device "$device" --dtype bfloat16 --out "$out" --work /tmp/disd-bench
csv=/tmp/disd-bench/data
if [[ -f $csv/model0_probs.csv ]]; then
  step "disd plot-coupling --mc dense --device $device (CLI end to end, 4 positions)" 60 "$dir/disd-gpu" plot-coupling \
    --model-large "$csv/model0_probs.csv" --model-small "$csv/model1_probs.csv" --input-text gpu-check --num-tokens 4 \
    --num-retries 2000 --mc dense --device "$device" --data-dir /tmp/disd-bench/cli-data --img-dir /tmp/disd-bench/img --json
  find /tmp/disd-bench/img -name '*.png' -exec cp {} "$out/plot-coupling.png" \; 2>/dev/null
fi
if [[ $config == 2b ]] && (( $(left) > 120 )); then
  step "bench 9b on $device (bf16; load, prefill, decode only)" $(( $(left) - 5 )) "${bench[@]}" --config 9b --device "$device" --dtype bfloat16 \
    --out "$out" --work /tmp/disd-bench --skip-generate
fi
say "done"
