#!/usr/bin/env bash
# Benchmark (not a test): the data tier on the large dataset (docs/database.md, "Benchmark: the data tier on the
# large dataset"). One command regenerates the figures:
#   1. a PostgreSQL 15 primary on 127.0.0.1:22601 (scripts/db/postgres.sh), migrated by the jar's
#      CONDUIT_ROLE=migrate, loaded with scripts/data/generate.sh (20k users, 500k articles, 2M favorites,
#      1M follows, 2M comments, 2k tags; loaduser1 follows 1,000 authors), then a streaming hot standby of it on
#      127.0.0.1:22602 (pg_basebackup -R);
#   2. for each configuration, the packaged jar on 127.0.0.1:22610 with the cache OFF (CONDUIT_CACHE_ENABLED=false:
#      every read reaches the database, which is what is measured), high write limits, default pools (10 per
#      pool), strong consistency (the default; one instance, so the commit marker is in-process):
#        primary          no CONDUIT_DB_REPLICA_URLS: everything on the primary
#        primary+replica  CONDUIT_DB_REPLICA_URLS=the standby: read-only transactions may go to it
#   3. the load: io.conduitscale.load.DataTierBench, one list shape at a time (global list, tag, author and
#      favorited filters, loaduser1's feed, deep offsets, counts), parameters varied per request, each shape
#      measured closed loop (throughput at --clients) and then open loop (latency from due times at half the
#      primary-only throughput, the same offered rate for both configurations), with a light background writer
#      (favorite + unfavorite) so the commit position moves; the replica's share of read-only transactions comes
#      from conduit_db_reads_total{pool} on /actuator/prometheus before and after each shape.
# Prints the Markdown table and the load average; writes them to $OUT (default target/data-tier): results.tsv,
# report.md, summary.md, the logs and a load-average trace. About 7 minutes on 2 cores (417 s on 2026-12-06), plus
# waiting for the lock. Stops what it started, by PID.
#   usage: flock /tmp/conduit-bench.lock bash scripts/bench/data-tier.sh     (takes the lock itself otherwise)
#   env: DATA_TIER_SCALE (generate.sh --scale, default 1.0), DATA_TIER_CLIENTS (8), DATA_TIER_CLOSED_SECONDS (8),
#        DATA_TIER_OPEN_SECONDS (10), DATA_TIER_WARMUP_SECONDS (20), DATA_TIER_WRITES_PER_SECOND (5), OUT
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
# benchmarks run one at a time on this machine: take the lock unless the caller (flock ... bash data-tier.sh) has
if [ "${CONDUIT_BENCH_LOCKED:-}" != 1 ] && [[ "$(tr '\0' ' ' </proc/$PPID/cmdline)" != *flock*/tmp/conduit-bench.lock* ]]; then
  exec env CONDUIT_BENCH_LOCKED=1 flock /tmp/conduit-bench.lock bash "$0" "$@"
fi

PG_PORT=22601 REPLICA_PORT=22602 APP_PORT=22610 DB=conduit
SCALE=${DATA_TIER_SCALE:-1.0}
OUT=${OUT:-$ROOT/target/data-tier}
JAR=$ROOT/target/conduit-scale.jar
CP_FILE=$ROOT/target/load/classpath.txt
WORK=$(mktemp -d /tmp/conduit-data-tier.XXXXXX)
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
PIDS=() PG_PIDS=() APP_PID=
started=$(date +%s)
log() { printf '=== data tier +%ss: %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

stop_app() {
  [ -n "$APP_PID" ] || return 0
  kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; APP_PID=
}
cleanup() {
  stop_app
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  # PostgreSQL: SIGINT is its fast shutdown; the postmaster is not our child, so wait for its PID to go
  for pid in "${PG_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${PG_PIDS[@]}"; do for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; done
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$OUT"
rm -f "$OUT/results.tsv"
# the jar and the harness's classes, rebuilt when a source is newer than what was built from it
BENCH_CLASS=$ROOT/target/test-classes/io/conduitscale/load/DataTierBench.class
if [ ! -f "$JAR" ] || [ ! -f "$BENCH_CLASS" ] || [ ! -s "$CP_FILE" ] \
  || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ] \
  || [ -n "$(find "$ROOT/src/test/java/io/conduitscale/load" -newer "$BENCH_CLASS" -print -quit)" ]; then
  log "building the jar and the load harness"
  mkdir -p "$(dirname "$CP_FILE")"
  (cd "$ROOT" && mvn -q -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CP_FILE") >&2
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CP_FILE")"

# the load average, every 5 s, for the whole run
(while :; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)"; sleep 5; done) >"$OUT/loadavg.txt" &
PIDS+=($!)

log "PostgreSQL 15 primary on $PG_PORT"
PG_PIDS+=("$(bash "$ROOT/scripts/db/postgres.sh" primary "$WORK/primary" "$PG_PORT" \
  shared_buffers=256MB max_connections=100 max_wal_size=8GB)")
"${PSQL[@]}" -c "CREATE DATABASE $DB"
(cd "$WORK" && env CONDUIT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" CONDUIT_DB_USER=postgres CONDUIT_DB_PASSWORD=trust \
  CONDUIT_PROFILE=production CONDUIT_ROLE=migrate java -jar "$JAR" >"$OUT/migrate.log" 2>&1) \
  || { echo "migrate failed" >&2; tail -30 "$OUT/migrate.log" >&2; exit 1; }

log "dataset (scale $SCALE)"
bash "$ROOT/scripts/data/generate.sh" --host 127.0.0.1 --port "$PG_PORT" --db "$DB" --scale "$SCALE" >&2
"${PSQL[@]}" -d "$DB" -c CHECKPOINT

log "streaming replica on $REPLICA_PORT (pg_basebackup of $("${PSQL[@]}" -tAc "SELECT pg_size_pretty(pg_database_size('$DB'))"))"
PG_PIDS+=("$(bash "$ROOT/scripts/db/postgres.sh" replica "$WORK/replica" "$REPLICA_PORT" "$PG_PORT" shared_buffers=256MB max_connections=100)")

KEY=$(CONDUIT_ROLE=keygen java -jar "$JAR")
metrics() { curl -fs "http://127.0.0.1:$APP_PORT/actuator/prometheus"; }
start_app() { # LABEL [ENV=VALUE ...]
  local label=$1; shift
  (cd "$WORK" && exec env CONDUIT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" CONDUIT_DB_USER=postgres \
    CONDUIT_DB_PASSWORD=trust CONDUIT_PROFILE=production CONDUIT_JWT_ISSUER="http://127.0.0.1:$APP_PORT" \
    CONDUIT_JWT_SIGNING_KEY="$KEY" CONDUIT_CACHE=local CONDUIT_CACHE_ENABLED=false CONDUIT_SHUTDOWN_DRAIN=0s \
    CONDUIT_RATE_LIMIT_WRITES_PER_USER=100000000 CONDUIT_RATE_LIMIT_LOGINS_PER_ACCOUNT=100000 \
    CONDUIT_RATE_LIMIT_LOGINS_PER_CLIENT=100000 SERVER_PORT=$APP_PORT "$@" java -jar "$JAR" >"$OUT/app-$label.log" 2>&1) &
  APP_PID=$!
  for _ in $(seq 240); do
    curl -fs "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null 2>&1 && return 0
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "the application ($label) did not become ready" >&2; tail -40 "$OUT/app-$label.log" >&2; exit 1
}
bench() { # LABEL [DataTierBench options]
  local label=$1; shift
  java -Xmx512m -XX:+UseParallelGC -cp "$CP" io.conduitscale.load.DataTierBench --target "http://127.0.0.1:$APP_PORT" \
    --config "$label" --out "$OUT/results.tsv" --clients "${DATA_TIER_CLIENTS:-8}" \
    --closed-seconds "${DATA_TIER_CLOSED_SECONDS:-8}" --open-seconds "${DATA_TIER_OPEN_SECONDS:-10}" \
    --warmup-seconds "${DATA_TIER_WARMUP_SECONDS:-20}" --writes-per-second "${DATA_TIER_WRITES_PER_SECOND:-5}" \
    --users "$("${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM users WHERE username LIKE 'loaduser%'")" \
    --articles "$("${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM articles WHERE slug LIKE 'load-article-%'")" \
    --tags "$("${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM tags WHERE name LIKE 'load-tag-%'")" "$@" >&2
}

log "configuration: primary only"
start_app primary
bench primary
stop_app

log "configuration: primary + 1 streaming replica"
start_app primary+replica CONDUIT_DB_REPLICA_URLS="jdbc:postgresql://127.0.0.1:$REPLICA_PORT/$DB"
# the monitor puts the replica in rotation at its first healthy check (the text is read whole: grep -q on a pipe
# would end curl early, and pipefail would count that as a failure)
in_rotation() { local text; text=$(metrics); grep -q '^conduit_db_replica_in_rotation{.*pool="replica-1".*} 1' <<<"$text"; }
for _ in $(seq 40); do in_rotation && break; sleep 0.25; done
in_rotation || { echo "replica-1 never entered rotation" >&2; exit 1; }
bench primary+replica --rates-from primary
metrics | awk '/^conduit_db_reads_total\{/ && $2 > 0 {match($0, /pool="[^"]*"/); p = substr($0, RSTART + 6, RLENGTH - 7)
  match($0, /reason="[^"]*"/); printf "%s %s=%d, ", p, substr($0, RSTART + 8, RLENGTH - 9), $2}' >"$OUT/reads-by-reason.txt"
stop_app

java -cp "$CP" io.conduitscale.load.DataTierBench --report "$OUT/results.tsv" >"$OUT/report.md"
load=$(awk 'NR == 1 || $2 < min {min = $2} NR == 1 || $2 > max {max = $2} {sum += $2; n++}
  END {printf "%.2f to %.2f (mean %.2f, 1-minute, sampled every 5 s)", min, max, sum / n}' "$OUT/loadavg.txt")
{
  echo "Data tier, dataset scale $SCALE: $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB,"
  echo "load average $load, $(( $(date +%s) - started )) s in all. Cache off; one API instance."
  echo "Closed loop: ${DATA_TIER_CLIENTS:-8} clients back to back, ${DATA_TIER_CLOSED_SECONDS:-8} s per shape (latency from send)."
  echo "Open loop: half the primary-only closed-loop rate, ${DATA_TIER_OPEN_SECONDS:-10} s per shape (latency from due time)."
  echo "Read-only transactions of the whole primary+replica run (warm-up included), by pool and reason: $(sed 's/, $//' "$OUT/reads-by-reason.txt")."
  echo
  cat "$OUT/report.md"
} | tee "$OUT/summary.md"
