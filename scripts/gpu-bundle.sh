#!/usr/bin/env bash
# Builds a self-contained disd for Linux x64 machines that have PyTorch (CUDA) installed, without any libtorch package:
# TorchSharp then binds to PyTorch's own libtorch at run time (see scripts/disd-gpu and README "Run on a GPU").
# Usage: scripts/gpu-bundle.sh [output-dir]   (default dist/disd-linux-x64; also writes <output-dir>.tar.xz)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/disd-linux-x64}
rm -rf "$out"
dotnet publish src/DISD.Cli -c Release -r linux-x64 --self-contained -p:TorchBackend=system -o "$out"
cp scripts/disd-gpu "$out/disd-gpu"
# The demo models (models/) come with the publish output (DISD.Cli.csproj copies them to models/).
tar -cJf "$out.tar.xz" -C "$(dirname "$out")" "$(basename "$out")"
echo "bundle: $out ($(du -sh "$out" | cut -f1)), archive: $out.tar.xz ($(du -sh "$out.tar.xz" | cut -f1))" >&2
