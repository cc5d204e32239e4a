#!/usr/bin/env bash
# The load harness (src/test/java/io/conduitscale/load): an open workload model at fixed arrival rates over
# the RealWorld mix, latency measured from each request's due time (no coordinated omission). See
# docs/performance.md.
#
#   scripts/bench/load.sh --target http://127.0.0.1:PORT [options]    any running instance or balancer
#   scripts/bench/load.sh --cluster [options]                         the running local cluster (scripts/cluster):
#                                   target = its balancer, metrics = every API instance and worker,
#                                   CPU of every process (api-N, worker-N, primary, replica, redis, kafka, lb)
# Options (LoadDriver): --config LABEL  --rates 100,200,400  --step-seconds 15  --warmup-seconds 10
#   --warmup-rate 100  --write-share 0.05  --readers 24  --timeout-seconds 5  --max-in-flight 2000
#   --stop-p99-ms 2000 (stop stepping once a step is saturated)  --out target/load/results.tsv (rows appended)
#   --dataset discover | generated:USERS:ARTICLES:TAGS  (scripts/data/generate.sh's names; its users sign in
#   with its password) --metrics URL,URL  --cpu NAME=PID[,PID]  (repeatable)
# Env: CLUSTER (the cluster script, default scripts/cluster) and CLUSTER_DIR for --cluster.
# Every run holds /tmp/conduit-bench.lock (unless CONDUIT_BENCH_LOCKED=1: the caller holds it already).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CLUSTER=${CLUSTER:-$ROOT/scripts/cluster}

if [ "${CONDUIT_BENCH_LOCKED:-}" != 1 ]; then
  exec env CONDUIT_BENCH_LOCKED=1 flock -o /tmp/conduit-bench.lock "$0" "$@"
fi

# the harness's classes and classpath (compiled once; `mvn test-compile` again after changing them)
CP_FILE="$ROOT/target/load/classpath.txt"
if [ ! -f "$ROOT/target/test-classes/io/conduitscale/load/LoadDriver.class" ] || [ ! -s "$CP_FILE" ]; then
  mkdir -p "$ROOT/target/load"
  (cd "$ROOT" && mvn -q -B -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CP_FILE") >&2
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CP_FILE")"

args=()
if [ "${1:-}" = --cluster ]; then
  shift
  declare -A E
  while IFS='=' read -r k v; do E[$k]=$v; done < <("$CLUSTER" env)
  metrics=()
  for i in $(seq "${E[CLUSTER_API]}"); do metrics+=("http://127.0.0.1:${E[API_${i}_PORT]}"); done
  for i in $(seq "${E[CLUSTER_WORKERS]}"); do metrics+=("http://127.0.0.1:${E[WORKER_${i}_PORT]}"); done
  apis=() workers=()
  for i in $(seq "${E[CLUSTER_API]}"); do apis+=("$("$CLUSTER" pid "api-$i")"); done
  for i in $(seq "${E[CLUSTER_WORKERS]}"); do workers+=("$("$CLUSTER" pid "worker-$i")"); done
  join() { local IFS=,; echo "$*"; }
  args+=(--target "${E[LB_URL]}" --metrics "$(join "${metrics[@]}")"
    --cpu "api=$(join "${apis[@]}")" --cpu "worker=$(join "${workers[@]}")"
    --cpu "pg-primary=$("$CLUSTER" pid primary)" --cpu "pg-replica=$("$CLUSTER" pid replica)"
    --cpu "redis=$("$CLUSTER" pid redis)" --cpu "kafka=$("$CLUSTER" pid kafka)" --cpu "lb=$("$CLUSTER" pid lb)")
fi
exec "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC -cp "$CP" io.conduitscale.load.LoadDriver "${args[@]}" "$@"
