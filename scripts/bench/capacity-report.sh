#!/usr/bin/env bash
# Capacity report: the load harness (scripts/bench/load.sh) against four configurations of the local cluster,
# each loaded with the data tier's generated dataset, at a few offered rates:
#   bare   one API instance and the primary alone: no Redis, no replica, in-process events (HAProxy in front)
#   cache  the same plus Redis (what the cache buys on one instance)
#   replica the same plus a streaming replica (what the replica adds)
#   full   scripts/cluster's defaults: 2 API instances, a worker, primary + streaming replica, Redis, Kafka
# Writes
#   $OUT/results.tsv   one row per configuration and step (LoadDriver's columns)
#   $OUT/report.md     the Markdown table (LoadReport), with the machine's cores and load average, and the
#                      capacity model computed from it (scripts/bench/capacity-model.py)
#   $OUT/chart.svg     achieved rate and p99 against offered rate, one line per configuration
#
#   scripts/bench/capacity-report.sh            quick mode (default): 3 steps of 12 s per configuration
#   scripts/bench/capacity-report.sh --full     5 steps of 30 s per configuration (about 19 minutes)
# Env: CLUSTER_PORT_BASE (default 24000), CLUSTER_JAR (default target/conduit-scale.jar),
#      RATES / FULL_RATES (comma-separated offered rates; FULL_RATES for the full cluster),
#      OUT (default target/capacity), CONFIGS (default "bare cache replica full"),
#      WARMUP / WARMUP_RATE (seconds at that rate before the steps; default 60 s, 40 s quick, at 50/s),
#      DATASET_SCALE (scripts/data/generate.sh --scale for each cluster's primary, default 0.1: 2,000 users,
#      50,000 articles, 200 tags, 200,000 comments, ~205,000 favorites, ~100,000 follows).
# The whole run holds /tmp/conduit-bench.lock; each cluster gets its own CLUSTER_DIR under target/ and is
# stopped (by PID, scripts/cluster down) when the run ends, also on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ "${CONDUIT_BENCH_LOCKED:-}" != 1 ]; then
  exec env CONDUIT_BENCH_LOCKED=1 flock -o /tmp/conduit-bench.lock "$0" "$@"
fi
MODE=quick
[ "${1:-}" = --full ] && MODE=full
OUT=${OUT:-$ROOT/target/capacity}
export CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-24000}
export CLUSTER_JAR=${CLUSTER_JAR:-$ROOT/target/conduit-scale.jar}
# the harness's writers are few users writing often: the per-user write limit is for people, not for it
export CONDUIT_RATE_LIMIT_WRITES_PER_USER=${CONDUIT_RATE_LIMIT_WRITES_PER_USER:-100000000}
# The warm-up is gentle on purpose: a fresh full cluster is four JVMs JIT-compiling at once on two cores, and
# at 100/s it saturated them for minutes (C2 compiler threads were a third of each API's CPU 90 s in) and
# never recovered within the run; 50/s for 60 s lets the compilers finish before anything is measured.
WARMUP_RATE=${WARMUP_RATE:-50}
# the full cluster saturates sooner here (nine processes on two cores), so its steps are finer: the model
# (capacity-model.py) fits CPU per request over the healthy steps, and needs two of them
if [ "$MODE" = quick ]; then
  STEP=12 WARMUP=${WARMUP:-40} RATES=${RATES:-150,300,600} FULL_RATES=${FULL_RATES:-100,200,300}
else
  STEP=30 WARMUP=${WARMUP:-60} RATES=${RATES:-150,300,450,600,900} FULL_RATES=${FULL_RATES:-100,150,200,250,300}
fi
# the data tier's generator (scripts/data/generate.sh) loads each cluster's primary before its run; its counts
# at this scale (the generator's own formula) tell the harness which users, articles and tags exist
DATASET_SCALE=${DATASET_SCALE:-0.1}
DATASET=generated:$(awk -v s="$DATASET_SCALE" 'BEGIN { u = int(20000 * s + 0.5); if (u < 1100) u = 1100
  a = int(500000 * s + 0.5); if (a < 1000) a = 1000; t = int(2000 * s + 0.5); if (t < 100) t = 100
  print u ":" a ":" t }')
[ -f "$CLUSTER_JAR" ] || { echo "no $CLUSTER_JAR: mvn -q -ntp package -DskipTests first" >&2; exit 1; }
mkdir -p "$OUT"
rm -f "$OUT/results.tsv"
started=$(date +%s)
current_dir=
cleanup() { [ -n "$current_dir" ] && CLUSTER_DIR=$current_dir "$ROOT/scripts/cluster" down >&2 || true; }
trap cleanup EXIT

run_config() {
  local label=$1 rates=$2; shift 2
  current_dir=$ROOT/target/capacity-cluster-$label
  rm -rf "$current_dir"
  echo "== $label: cluster up ($*)" >&2
  env CLUSTER_DIR="$current_dir" "$@" "$ROOT/scripts/cluster" up >&2
  local primary_port
  primary_port=$(CLUSTER_DIR=$current_dir "$ROOT/scripts/cluster" env | sed -n 's/^PRIMARY_PORT=//p')
  echo "== $label: generated dataset, scale $DATASET_SCALE ($DATASET)" >&2
  bash "$ROOT/scripts/data/generate.sh" --host 127.0.0.1 --port "$primary_port" --db conduit --scale "$DATASET_SCALE" >&2
  CLUSTER_DIR=$current_dir "$ROOT/scripts/bench/load.sh" --cluster --config "$label" --rates "$rates" --dataset "$DATASET" \
    --step-seconds "$STEP" --warmup-seconds "$WARMUP" --warmup-rate "$WARMUP_RATE" --out "$OUT/results.tsv" \
    --stop-p99-ms 4500 --timeout-seconds 5
  CLUSTER_DIR=$current_dir "$ROOT/scripts/cluster" down >&2
  current_dir=
}

CONFIGS=${CONFIGS:-bare cache replica full}
[[ " $CONFIGS " == *" bare "* ]] && run_config bare "$RATES" CLUSTER_API=1 CLUSTER_WORKERS=1 CLUSTER_REPLICAS=0 CLUSTER_CACHE=off CLUSTER_EVENTS=inprocess
[[ " $CONFIGS " == *" cache "* ]] && run_config cache "$RATES" CLUSTER_API=1 CLUSTER_WORKERS=1 CLUSTER_REPLICAS=0 CLUSTER_CACHE=redis CLUSTER_EVENTS=inprocess
[[ " $CONFIGS " == *" replica "* ]] && run_config replica "$RATES" CLUSTER_API=1 CLUSTER_WORKERS=1 CLUSTER_REPLICAS=1 CLUSTER_CACHE=redis CLUSTER_EVENTS=inprocess
[[ " $CONFIGS " == *" full "* ]] && run_config full "$FULL_RATES" CLUSTER_API=2 CLUSTER_WORKERS=1 CLUSTER_REPLICAS=1 CLUSTER_CACHE=redis CLUSTER_EVENTS=kafka

CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/load/classpath.txt")"
{
  echo "Capacity report ($MODE mode), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at the end:" \
    "$(cut -d' ' -f1-3 /proc/loadavg), $(( $(date +%s) - started )) s in all."
  echo
  "$JAVA_HOME/bin/java" -cp "$CP" io.conduitscale.load.LoadReport "$OUT/results.tsv" "$OUT/table.md" "$OUT/chart.svg"
  echo
  python3 "$ROOT/scripts/bench/capacity-model.py" "$OUT/results.tsv" bare
} > "$OUT/report.md"
cat "$OUT/report.md"
echo "wrote $OUT/report.md, $OUT/chart.svg" >&2
