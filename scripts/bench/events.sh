#!/usr/bin/env bash
# Benchmark (not a test): events per second through outbox -> broker -> consumer, and the p99 delay from
# an event's commit to its consumer's effect, for one transport.
#   usage: flock /tmp/conduit-bench.lock scripts/bench/events.sh kafka|sqs [EVENTS] [CONCURRENCY]
# Starts the broker (scripts/brokers), the packaged jar (target/conduit-scale.jar, CONDUIT_ROLE=all, embedded
# PostgreSQL in a temporary directory) on loopback ports 22290-22299, warms up with 100 articles, then runs
# two phases of EVENTS articles each (default 1500; one article.created event per article), written by one
# curl process with CONCURRENCY parallel keep-alive connections (default 8):
#   1. steady: the writes as fast as the clients go, with the broker up; waits until every event is consumed.
#      Prints the write rate, events/s end to end and the p50/p99 delay from commit to consumer effect of
#      this phase's events (from the conduit_events_commit_to_effect_seconds histogram buckets, interpolated).
#   2. drain: the broker frozen (kill -STOP) while the writes pile up in the outbox, then thawed; prints
#      events/s from the first to the last event consumed after the thaw (the pipeline's capacity: relay,
#      broker, consumer, without the clients in the way) and the time from the thaw to the last.
# Prints the load average at the start and the end; stops what it started, by PID.
set -euo pipefail
TRANSPORT=${1:?usage: events.sh kafka|sqs [EVENTS] [CONCURRENCY]}
EVENTS=${2:-1500}
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
# sum of the commit -> effect histogram's cumulative bucket counts, one "le count" line per bucket
buckets() {
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '
    index($0, "conduit_events_commit_to_effect_seconds_bucket{") == 1 {
      le = $0; sub(/.*le="/, "", le); sub(/".*/, "", le); s[le] += $NF }
    END { for (le in s) print le, s[le] }' | sort -g
}
# quantile $3 of the events recorded between two bucket snapshots $1 and $2, interpolated within its bucket
quantile() {
  join <(sort -k1,1 "$1") <(sort -k1,1 "$2") | sort -g | awk -v q="$3" '
    { le[NR] = $1; c[NR] = $3 - $2 } END {
      total = c[NR]; if (total == 0) { print "nan"; exit } rank = q * total; prev = 0; lower = 0
      for (i = 1; i <= NR; i++) { if (c[i] >= rank) { if (le[i] == "+Inf") { print lower; exit }
        print lower + (le[i] - lower) * (rank - prev) / (c[i] - prev); exit } prev = c[i]; lower = le[i] } }'
}
# writes $1 articles titled "$2 N" through one curl with CONCURRENCY parallel keep-alive connections
write_articles() {
  local config="$WORK/$2.curl"
  for i in $(seq "$1"); do
    [ "$i" -eq 1 ] || echo next
    printf 'url = "%s/articles"\nheader = "Content-Type: application/json"\nheader = "Authorization: Token %s"\n' "$API" "$TOKEN"
    printf 'data = "{\\"article\\":{\\"title\\":\\"%s %s\\",\\"description\\":\\"d\\",\\"body\\":\\"b\\"}}"\n' "$2" "$i"
    printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
  done >"$config"
  curl -s --no-progress-meter --parallel --parallel-max "$CONCURRENCY" -K "$config" | sort | uniq -c | awk '$2 != 201 { bad += $1 } END { exit bad > 0 }' \
    || { echo "some writes did not answer 201"; exit 1; }
}
now() { date +%s%N; }
await_consumed() { # until $1 events are consumed (at most 10 minutes); prints the time it happened
  for _ in $(seq 6000); do [ "$(consumed)" -ge "$1" ] && break; sleep 0.1; done
  now
}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# warm-up (JIT, connections, topic or queue), not measured
write_articles 100 warm
await_consumed 100 >/dev/null

# 1. steady: writes as fast as the clients go, broker up
BASE=$(consumed)
buckets >"$WORK/before"
START=$(now)
write_articles "$EVENTS" steady
WRITTEN=$(now)
DONE=$(await_consumed $((BASE + EVENTS)))
GOT=$(( $(consumed) - BASE ))
buckets >"$WORK/after"
P50=$(quantile "$WORK/before" "$WORK/after" 0.5)
P99=$(quantile "$WORK/before" "$WORK/after" 0.99)
awk -v t="$TRANSPORT" -v n="$GOT" -v e="$EVENTS" -v s="$START" -v w="$WRITTEN" -v d="$DONE" -v p99="$P99" -v p50="$P50" -v c="$CONCURRENCY" 'BEGIN {
  secs = (d - s) / 1e9; wsecs = (w - s) / 1e9
  printf "steady, via %s: %d of %d events consumed in %.1f s; writes took %.1f s (%.0f articles/s, %d connections): %.0f events/s end to end\n", t, n, e, secs, wsecs, e / wsecs, c, n / secs
  printf "steady, commit -> consumer effect: p50 %.0f ms, p99 %.0f ms\n", p50 * 1000, p99 * 1000 }'

# 2. drain: the outbox fills while the broker is frozen, then the pipeline empties it at full speed
BASE=$(consumed)
kill -STOP "${PIDS[0]}"
write_articles "$EVENTS" drain
sleep 1
[ "$(consumed)" -eq "$BASE" ] || echo "note: $(( $(consumed) - BASE )) events got through before the freeze"
THAWED=$(now)
kill -CONT "${PIDS[0]}"
for _ in $(seq 6000); do [ "$(consumed)" -gt "$BASE" ] && break; sleep 0.05; done
FIRST=$(now)
FIRSTN=$(consumed)
DONE=$(await_consumed $((BASE + EVENTS)))
GOT=$(( $(consumed) - BASE ))
awk -v t="$TRANSPORT" -v n="$GOT" -v e="$EVENTS" -v th="$THAWED" -v f="$FIRST" -v fn="$((FIRSTN - BASE))" -v d="$DONE" 'BEGIN {
  printf "drain, via %s: %d of %d events consumed; first %.1f s after the thaw, the last %.1f s after it: %.0f events/s from the first to the last\n", t, n, e, (f - th) / 1e9, (d - th) / 1e9, (n - fn) / ((d - f) / 1e9) }'
echo "load average: start $LOAD_START, end $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared with whatever else runs)"
