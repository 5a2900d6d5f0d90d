#!/usr/bin/env bash
# Runs the README's main job's generate-distribution step on an emulated AMD Zen 3 (qemu-user, -cpu EPYC-Milan:
# AVX2 and FMA, no AVX-512), so that .NET, libtorch and MKL all see a CPUID without AVX-512, and compares its tables
# byte for byte with a native run of this machine. Needs Debian's qemu-user (apt-get install qemu-user).
# Under qemu-user .NET sometimes dies with SIGSEGV inside the emulator (not investigated; plot-coupling always did), so the
# emulated run is tried up to 8 times and only the tables are compared.
# Usage: scripts/check-on-emulated-zen3.sh [CPU_MODEL=EPYC-Milan]
# Any qemu model with AVX2 + FMA works: Haswell-v4 is an Intel one, on which MKL takes its AVX2 code paths (it runs the
# same SSE4.2-level VML kernels on every AMD CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-EPYC-Milan}
command -v qemu-x86_64 >/dev/null || { echo "needs qemu-user (apt-get install qemu-user)" >&2; exit 2; }
dotnet build src/DISD.Cli -c Release -v quiet -nologo >&2
dll=src/DISD.Cli/bin/Release/net10.0/disd.dll
out=$(mktemp -d)
run() { # $1: folder, then a prefix command
  local dir=$1; shift
  local status=0
  OMP_NUM_THREADS=1 "$@" /usr/bin/dotnet "$dll" generate-distribution --prompts-file examples/original-prompts.txt --seed 0 \
    --num-tokens 32 --threads 1 --data-dir "$out/$dir" 2>"$out/$dir.log" || status=$?
  grep -o 'kernels [^;]*' "$out/$dir.log" | head -1 | sed "s/^/$dir: /" >&2
  return $status
}
run native env
for try in 1 2 3 4 5 6 7 8; do
  rm -rf "$out/emulated"
  if run emulated qemu-x86_64 -cpu "$model"; then break; fi
  [ "$try" = 8 ] && { echo "the emulated run crashed 8 times" >&2; exit 1; }
done
status=0
while IFS= read -r file; do
  if cmp -s "$out/native/$file" "$out/emulated/$file"; then echo "same      $file"; else echo "DIFFERENT $file"; status=1; fi
done < <(cd "$out/native" && find . -name '*.csv' | sort)
[ "$status" = 0 ] && rm -rf "$out" || echo "kept $out" >&2
exit $status
