#!/usr/bin/env bash
# Submits a disd sweep to Slurm: a job array of N tasks over the shards of a prompts file (sweep.sbatch), then the report
# (report.sbatch) as a job that starts when every task has succeeded. Prints the two job ids.
# Usage: scripts/slurm/submit-sweep.sh PROMPTS SWEEP_DIR TASKS [extra sbatch options for the array, e.g. --gres=gpu:1
#        --partition=gpu --time=04:00:00 --cpus-per-task=8 --mem=64G]
# The GENERATE_ARGS / PLOT_ARGS / DISD environment variables reach the tasks (sbatch exports the environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prompts=$(realpath "${1:?prompts file}")
sweep=$(realpath -m "${2:?sweep folder}")
tasks=${3:?number of array tasks}
shift 3
mkdir -p "$sweep"
export PROMPTS="$prompts" SWEEP_DIR="$sweep"
array=$(sbatch --parsable --chdir="$sweep" --array="0-$((tasks - 1))" "$@" "$here/sweep.sbatch")
report=$(sbatch --parsable --chdir="$sweep" --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes "$here/report.sbatch")
echo "${array%%;*} ${report%%;*}"
