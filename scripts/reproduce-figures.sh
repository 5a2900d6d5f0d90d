#!/usr/bin/env bash
# Reproduces the coupling figures of the paper's experiment with the embedded demo models (gemma2-wordnet-large /
# -medium / -small stand in for gemma-2-27b-it / 9b-it / 2b-it): builds Release, generates the distributions of the
# three original prompts (examples/original-prompts.txt, seed 0) into data/, then plots large vs small for each prompt
# into img/<prompt>.png (and data/<prompt>/coupling_*.csv).
# Usage: scripts/reproduce-figures.sh [extra plot-coupling options, e.g. --num-retries 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/DISD.Cli -c Release -v quiet -nologo
disd=src/DISD.Cli/bin/Release/net10.0/disd
"$disd" generate-distribution --prompts-file examples/original-prompts.txt --seed 0 --num-tokens 32 --data-dir data
while IFS= read -r prompt || [ -n "$prompt" ]; do
  [ -z "${prompt//[[:space:]]/}" ] && continue
  "$disd" plot-coupling --input-text "$prompt" --model-large gemma2-wordnet-large --model-small gemma2-wordnet-small \
    --num-tokens 32 --seed 0 --data-dir data --img-dir img "$@"
done < examples/original-prompts.txt
ls -l img/*.png >&2
