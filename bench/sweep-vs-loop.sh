#!/usr/bin/env bash
# The speed target of batch sweeps: a 100-prompt demo sweep (generate-distribution with the demo trio, plot-coupling
# large vs small, report) as three batch commands, against a shell loop over single-prompt commands (the way a
# pipeline had to do it before --prompts-file reached plot-coupling), measured in one run on the same machine.
# Usage: bench/sweep-vs-loop.sh [prompts-file (default examples/sweep-100-prompts.txt)] [work folder (default a temp folder)]
# Prints the load average before and after, each phase's wall time, and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
prompts=$(realpath "${1:-examples/sweep-100-prompts.txt}")
work=${2:-$(mktemp -d /tmp/disd-sweep-bench.XXXXXX)}
mkdir -p "$work"
dotnet build src/DISD.Cli -c Release -v quiet -nologo >/dev/null
disd=$(realpath src/DISD.Cli/bin/Release/net10.0/disd)
n=$(grep -c '[^[:space:]]' "$prompts")
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l | xargs printf '%.1f'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $n prompts; work folder $work" >&2

rm -rf "$work/sweep" "$work/loop"
t0=$(now)
"$disd" generate-distribution --prompts-file "$prompts" --seed 0 --data-dir "$work/sweep/data" 2>"$work/sweep.log"
t1=$(now)
"$disd" plot-coupling --prompts-file "$prompts" --seed 0 --data-dir "$work/sweep/data" --img-dir "$work/sweep/img" 2>>"$work/sweep.log"
t2=$(now)
"$disd" report --data-dir "$work/sweep/data" --report-dir "$work/sweep/report" 2>>"$work/sweep.log"
t3=$(now)

while IFS= read -r prompt || [ -n "$prompt" ]; do
  [ -z "${prompt//[[:space:]]/}" ] && continue
  "$disd" generate-distribution --input-text "$prompt" --seed 0 --data-dir "$work/loop/data" 2>>"$work/loop.log"
done < "$prompts"
t4=$(now)
while IFS= read -r prompt || [ -n "$prompt" ]; do
  [ -z "${prompt//[[:space:]]/}" ] && continue
  "$disd" plot-coupling --input-text "$prompt" --seed 0 --data-dir "$work/loop/data" --img-dir "$work/loop/img" 2>>"$work/loop.log"
done < "$prompts"
t5=$(now)
"$disd" report --data-dir "$work/loop/data" --report-dir "$work/loop/report" 2>>"$work/loop.log"
t6=$(now)

same=$(cmp -s "$work/sweep/report/report.csv" "$work/loop/report/report.csv" && echo yes || echo no)
sweep=$(elapsed "$t0" "$t3"); loop=$(elapsed "$t3" "$t6")
cat <<REPORT
| phase | sweep (batch commands) | loop (one command per prompt) |
|---|---|---|
| generate-distribution | $(elapsed "$t0" "$t1") s | $(elapsed "$t3" "$t4") s |
| plot-coupling | $(elapsed "$t1" "$t2") s | $(elapsed "$t4" "$t5") s |
| report | $(elapsed "$t2" "$t3") s | $(elapsed "$t5" "$t6") s |
| total | $sweep s ($(echo "$sweep / $n" | bc -l | xargs printf '%.2f') s per prompt) | $loop s ($(echo "$loop / $n" | bc -l | xargs printf '%.2f') s per prompt) |

loop / sweep = $(echo "$loop / $sweep" | bc -l | xargs printf '%.2f')×; report tables identical: $same
REPORT
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
