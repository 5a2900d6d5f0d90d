#!/usr/bin/env bash
# Builds a self-contained disd for Linux x64 machines that have PyTorch (CUDA) installed, without any libtorch package:
# TorchSharp then binds to PyTorch's own libtorch at run time (scripts/disd-gpu; docs/run-on-gpu.md).
# The bundle also holds the GPU benchmark / golden check (disd-bench-gpu, same runtime files), the golden fixtures,
# the demo models and scripts/gpu-check.sh.
# Usage: scripts/gpu-bundle.sh [output-dir]   (default dist/disd-linux-x64; also writes <output-dir>.tar.xz)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/disd-linux-x64}
rm -rf "$out" "$out.tar.xz"
publish() { dotnet publish "$1" -c Release -r linux-x64 --self-contained -p:TorchBackend=system -o "$out" -v q -nologo; }
publish src/DISD.Cli
publish bench/DISD.Bench.Gpu
if find "$out" -name 'libtorch*.so*' | grep -q .; then
  echo "gpu-bundle: error: a libtorch library landed in $out; TorchBackend=system must not ship one" >&2
  exit 1
fi
cp scripts/disd-gpu scripts/gpu-check.sh "$out/"
# The demo models (models/) come with the publish output (DISD.Cli.csproj copies them to models/).
mkdir -p "$out/fixtures" && cp -r tests/DISD.Tests/fixtures/golden "$out/fixtures/golden"
tar -cJf "$out.tar.xz" -C "$(dirname "$out")" "$(basename "$out")"
echo "bundle: $out ($(du -sh "$out" | cut -f1)), archive: $out.tar.xz ($(du -sh "$out.tar.xz" | cut -f1))" >&2
