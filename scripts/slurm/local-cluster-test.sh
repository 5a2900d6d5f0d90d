#!/usr/bin/env bash
# Stands up a single-node Slurm cluster on this machine from Debian's packages (as root: apt-get install slurm-wlm
# munge), runs a 2-task array of the demo sweep through the real sbatch/squeue (submit-sweep.sh), waits, checks that
# the report covers every prompt, and stops the daemons it started. Config, state and logs live in a temp folder
# (SLURM_CONF points there; /etc/slurm is not touched). CI (.ci/run) runs it after the tests; it takes under a minute
# on 2 cores once the CLI is built.
# Usage: scripts/slurm/local-cluster-test.sh [prompts file (default: the first 8 lines of examples/sweep-100-prompts.txt)]
# DISD=<path to a built disd> skips the Release build (CI sets it: it runs this as root, and the build belongs to the CI user).
# Daemons are started directly (no systemd): munged --force, slurmctld, slurmd, with SlurmUser=root,
# ProctrackType=proctrack/linuxproc and TaskPlugin=task/none, one NodeName line sized from nproc and free.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "local-cluster-test: run as root (it starts munged, slurmctld and slurmd)" >&2; exit 2; }
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" >/dev/null || { echo "local-cluster-test: $tool missing; apt-get install -y slurm-wlm munge" >&2; exit 2; }
done
start=$(date +%s)
work=$(mktemp -d /tmp/disd-slurm.XXXXXX)
mkdir -p "$work/state" "$work/spool" "$work/munge"
host=$(hostname -s)
memory=$(( $(free -m | awk '/^Mem:/ {print $2}') * 9 / 10 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=disdtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  echo "local-cluster-test: daemons stopped; logs in $work" >&2
}
trap cleanup EXIT

# munged: its own socket, pid and key under $work, so a munged of the system (if any) is left alone.
key="$work/munge/munge.key"
dd if=/dev/urandom of="$key" bs=1024 count=1 status=none && chmod 400 "$key"
socket="$work/munge/munge.socket"
munged --force --key-file="$key" --socket="$socket" --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed"
pids+=("$(cat "$work/munge/munged.pid")")
# Slurm's auth/munge and cred/munge plugins find that socket through AuthInfo.
sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$socket|" "$SLURM_CONF"
slurmctld && sleep 1 && pids+=("$(cat "$work/slurmctld.pid")")
slurmd && sleep 1 && pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break; sleep 1; done
sinfo -h -o '%N %T %c CPUs' >&2

prompts=${1:-}
if [ -z "$prompts" ]; then prompts="$work/prompts.txt"; head -8 "$repo/examples/sweep-100-prompts.txt" > "$prompts"; fi
if [ -z "${DISD:-}" ]; then
  dotnet build "$repo/src/DISD.Cli" -c Release -v quiet -nologo >/dev/null
  DISD="$repo/src/DISD.Cli/bin/Release/net10.0/disd"
fi
export DISD GENERATE_ARGS="--num-tokens 16 --threads 1" PLOT_ARGS="--num-retries 5000"
read -r array report < <("$repo/scripts/slurm/submit-sweep.sh" "$prompts" "$work/sweep" 2)
echo "local-cluster-test: array job $array (2 tasks), report job $report" >&2
while squeue -h -j "$array,$report" 2>/dev/null | grep -q .; do squeue -h -j "$array,$report" -o '%i %j %T' >&2; sleep 3; done

expected=$(grep -c '[^[:space:]]' "$prompts")
if [ ! -f "$work/sweep/report.json" ]; then
  echo "local-cluster-test: FAILED: no report (see $work/sweep/*.out and $work/*.log)" >&2; cat "$work"/sweep/*.out >&2 || true; exit 1
fi
covered=$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(len({r['folder'] for r in j['rows']}))" "$work/sweep/report.json")
shards=$(ls "$work"/sweep/logs/generate-*.json | wc -l)
echo "local-cluster-test: $shards shards, report covers $covered of $expected prompts; $(( $(date +%s) - start )) s" >&2
[ "$covered" = "$expected" ] && [ "$shards" = 2 ] || { echo "local-cluster-test: FAILED" >&2; exit 1; }
echo "local-cluster-test: passed" >&2
