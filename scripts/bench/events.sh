#!/usr/bin/env bash
# Benchmark (not a test): events per second through outbox -> broker -> consumer, and the p99 delay from
# an event's commit to its consumer's effect, for one transport.
#   usage: flock /tmp/conduit-bench.lock scripts/bench/events.sh kafka|sqs [EVENTS] [CONCURRENCY]
# Starts the broker (scripts/brokers), the packaged jar (target/conduit-scale.jar, CONDUIT_ROLE=all, embedded
# PostgreSQL in a temporary directory) on loopback ports 22290-22299, creates EVENTS articles (default 3000)
# from CONCURRENCY parallel clients (default 8), each one article.created event, and waits until every one
# has been consumed. Prints the figures and the load average; stops what it started, by PID.
set -euo pipefail
TRANSPORT=${1:?usage: events.sh kafka|sqs [EVENTS] [CONCURRENCY]}
EVENTS=${2:-3000}
CONCURRENCY=${3:-8}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/target/conduit-scale.jar"
[ -f "$JAR" ] || { echo "build the jar first: mvn -DskipTests package"; exit 1; }
WORK=$(mktemp -d /tmp/conduit-bench-events.XXXXXX)
PORT=22290
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

case "$TRANSPORT" in
  kafka)
    PIDS+=("$(bash "$ROOT/scripts/brokers/kafka.sh" "$WORK/kafka" 22292)")
    BROKER=(CONDUIT_EVENTS_TRANSPORT=kafka CONDUIT_KAFKA_BOOTSTRAP=127.0.0.1:22292 CONDUIT_KAFKA_PARTITIONS=12) ;;
  sqs)
    PIDS+=("$(bash "$ROOT/scripts/brokers/elasticmq.sh" "$WORK/elasticmq" 22294 conduit-events 5)")
    BROKER=(CONDUIT_EVENTS_TRANSPORT=sqs CONDUIT_SQS_ENDPOINT=http://127.0.0.1:22294
      CONDUIT_SQS_QUEUE_URL=http://127.0.0.1:22294/000000000000/conduit-events.fifo) ;;
  *) echo "transport must be kafka or sqs"; exit 1 ;;
esac

mkdir -p "$WORK/app"
(cd "$WORK/app" && exec env "${BROKER[@]}" SERVER_PORT=$PORT CONDUIT_DATA_DIR="$WORK/app/data" \
  CONDUIT_RATE_LIMIT_WRITES_PER_USER=100000000 "$JAVA_HOME/bin/java" -Xmx512m -jar "$JAR" >"$WORK/app/app.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 240); do curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -30 "$WORK/app/app.log"; exit 1; }

API="http://127.0.0.1:$PORT/api"
TOKEN=$(curl -fs -H 'Content-Type: application/json' -d '{"user":{"username":"bench'$$'","email":"bench'$$'@example.com","password":"benchpassword"}}' \
  "$API/users" | sed 's/.*"token":"\([^"]*\)".*/\1/')
metric() { # sum of a metric's samples whose labels contain $2
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk -v n="$1{" -v l="$2" 'index($0, n) == 1 && index($0, l) { s += $NF } END { printf "%.0f", s + 0 }'
}
consumed() { metric conduit_events_consumed_total "transport=\"$TRANSPORT\""; }
# warm-up (JIT, connections, topic or queue), not measured
seq 100 | xargs -P "$CONCURRENCY" -I{} curl -fs -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Token $TOKEN" \
  -d '{"article":{"title":"warm {}","description":"d","body":"b"}}' "$API/articles"
for _ in $(seq 120); do [ "$(consumed)" -ge 100 ] && break; sleep 0.5; done
BASE=$(consumed)

START=$(date +%s%N)
seq "$EVENTS" | xargs -P "$CONCURRENCY" -I{} curl -fs -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Token $TOKEN" \
  -d '{"article":{"title":"bench {}","description":"d","body":"b"}}' "$API/articles"
WRITTEN=$(date +%s%N)
for _ in $(seq 1200); do [ "$(consumed)" -ge $((BASE + EVENTS)) ] && break; sleep 0.1; done
DONE=$(date +%s%N)
GOT=$(( $(consumed) - BASE ))
P99=$(curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^conduit_events_commit_to_effect_seconds\{.*quantile="0.99"/ { print $NF }')
P50=$(curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^conduit_events_commit_to_effect_seconds\{.*quantile="0.5"/ { print $NF }')
awk -v t="$TRANSPORT" -v n="$GOT" -v e="$EVENTS" -v s="$START" -v w="$WRITTEN" -v d="$DONE" -v p99="$P99" -v p50="$P50" -v c="$CONCURRENCY" 'BEGIN {
  secs = (d - s) / 1e9; wsecs = (w - s) / 1e9
  printf "events via %s: %d of %d consumed in %.1f s (writes took %.1f s, %d clients): %.0f events/s end to end\n", t, n, e, secs, wsecs, c, n / secs
  printf "commit -> consumer effect: p50 %.0f ms, p99 %.0f ms\n", p50 * 1000, p99 * 1000 }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared with whatever else runs)"
