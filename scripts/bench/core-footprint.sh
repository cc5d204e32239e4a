#!/usr/bin/env bash
# Benchmark (not a test): the core service's footprint on this machine. Prints
#   - time from JVM launch to readiness UP against a server PostgreSQL (and Spring's own ready time),
#   - throughput and latency of a read mix for a minute (wrk, keep-alive connections),
#   - resident memory of the JVM after that minute,
#   - the size of the packaged jar.
# usage: scripts/bench/core-footprint.sh [seconds=60] [connections=32]
# needs: the packaged jar (mvn -DskipTests package), PostgreSQL on 127.0.0.1:5432 (trust auth), wrk, curl.
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/target/conduit-scale.jar"
DURATION=${1:-60}
CONNECTIONS=${2:-32}
PORT=18090
WORK=$(mktemp -d /tmp/conduit-bench.XXXXXX)
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS conduit_bench" -c "CREATE DATABASE conduit_bench"
export CONDUIT_DB_URL=jdbc:postgresql://127.0.0.1:5432/conduit_bench CONDUIT_DB_USER=postgres CONDUIT_DB_PASSWORD=trust
started=$(date +%s%N)
SERVER_PORT=$PORT "$JAVA_HOME/bin/java" -jar "$JAR" >"$WORK/app.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $PID 2>/dev/null || { tail -30 "$WORK/app.log"; exit 1; }
  sleep 0.1
done
ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
spring_ready=$(curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^application_ready_time_seconds/ {print $2}')

# seed: 5 authors, 200 articles with tags, a comment each
for a in 1 2 3 4 5; do
  token=$(curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/users" \
    -d "{\"user\":{\"username\":\"bench$a\",\"email\":\"bench$a@example.com\",\"password\":\"password123\"}}" \
    | sed -E 's/.*"token":"([^"]+)".*/\1/')
  for i in $(seq 40); do
    slug=$(curl -fs -X POST -H 'Content-Type: application/json' -H "Authorization: Token $token" \
      "http://127.0.0.1:$PORT/api/articles" \
      -d "{\"article\":{\"title\":\"Bench $a $i\",\"description\":\"d\",\"body\":\"$(printf 'body %.0s' $(seq 50))\",\"tagList\":[\"bench\",\"t$i\"]}}" \
      | sed -E 's/.*"slug":"([^"]+)".*/\1/')
    echo "$slug" >>"$WORK/slugs.txt"
    curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: Token $token" \
      "http://127.0.0.1:$PORT/api/articles/$slug/comments" -d '{"comment":{"body":"nice"}}'
  done
done

echo "== read mix: ${DURATION}s, $CONNECTIONS connections, 2 wrk threads (wrk shares the 2 cores with the JVM and PostgreSQL)"
SLUGS="$WORK/slugs.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/scripts/bench/read-mix.lua" \
  "http://127.0.0.1:$PORT" | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx|Socket errors"

rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
echo "== figures"
echo "cores:                         $(nproc)"
echo "launch to readiness UP:        ${ready_ms} ms (wall clock, server PostgreSQL, schema migrated at start)"
echo "Spring application ready time: ${spring_ready} s"
echo "resident memory after load:    $((rss_kb / 1024)) MiB"
echo "jar size:                      $(( $(stat -c %s "$JAR") / 1024 / 1024 )) MiB"
