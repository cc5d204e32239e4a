#!/usr/bin/env bash
# Benchmark (not a test): what the cache buys on a read mix over a large dataset.
# Seeds USERS users and ARTICLES articles through SQL, then drives a Zipf-distributed read mix
# (30 % authenticated) with wrk against one instance: first with the two-level cache on Redis,
# then with caching off. Prints throughput, latency percentiles and the hit ratio read from the
# server's own counters.
# usage: scripts/bench/cache-read-mix.sh [seconds=60] [connections=32]
# needs: the packaged jar, PostgreSQL on 127.0.0.1:5432 (trust), Redis on 127.0.0.1:6379, wrk, curl.
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/target/conduit-scale.jar"
DURATION=${1:-60}
CONNECTIONS=${2:-32}
USERS=${USERS:-5000}
ARTICLES=${ARTICLES:-100000}
PORT=18095
DB=conduit_cachebench
WORK=$(mktemp -d /tmp/conduit-cachebench.XXXXXX)
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

start() {
  env SERVER_PORT=$PORT CONDUIT_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB CONDUIT_DB_USER=postgres CONDUIT_DB_PASSWORD=trust \
    CONDUIT_RATE_LIMIT_WRITES_PER_USER=1000000 "$@" "$JAVA_HOME/bin/java" -jar "$JAR" >"$WORK/app.log" 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 $PID 2>/dev/null || { tail -30 "$WORK/app.log"; exit 1; }
    sleep 0.2
  done
}
stop() { kill $PID; wait $PID 2>/dev/null || true; PID=; }
metric() { curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk -v m="$1" -v l="$2" 'index($0, m"{") == 1 && index($0, l) {s += $2} END {print s + 0}'; }

echo "== seeding $USERS users and $ARTICLES articles"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
start   # migrates the schema
stop
psql -h 127.0.0.1 -U postgres -d $DB -q <<SQL
INSERT INTO users (username, email, password_hash, bio)
  SELECT 'user' || n, 'user' || n || '@example.com', 'x', 'bio of user ' || n FROM generate_series(1, $USERS) n;
INSERT INTO tags (name, article_count) SELECT 'tag' || n, 0 FROM generate_series(1, 200) n;
INSERT INTO articles (slug, title, description, body, author_id, favorites_count, created_at)
  SELECT 'article-' || n, 'Article ' || n, 'About article ' || n, repeat('Body text. ', 100),
         1 + (n * 7919) % $USERS, n % 17, now() - n * interval '1 second'
  FROM generate_series(1, $ARTICLES) n;
INSERT INTO article_tags (article_id, tag_id, position)
  SELECT a.id, 1 + (a.id * 31 + k) % 200, k FROM articles a, generate_series(1, 3) k ON CONFLICT DO NOTHING;
UPDATE tags t SET article_count = (SELECT count(*) FROM article_tags WHERE tag_id = t.id);
ANALYZE;
SQL
seq 1 $ARTICLES | sed 's/^/article-/' >"$WORK/slugs.txt"
seq 1 200 | sed 's/^/tag/' >"$WORK/tags.txt"
seq 1 $USERS | sed 's/^/user/' >"$WORK/users.txt"

run() {
  local label=$1; shift
  start "$@"
  : >"$WORK/tokens.txt"
  for i in $(seq 1 20); do
    curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/users" \
      -d "{\"user\":{\"username\":\"reader$label$i\",\"email\":\"reader$label$i@example.com\",\"password\":\"password123\"}}" \
      | grep -o '"token":"[^"]*"' | cut -d'"' -f4 >>"$WORK/tokens.txt" || true
  done
  [ -s "$WORK/tokens.txt" ] || { echo "no reader could register"; exit 1; }
  local env=(SLUGS="$WORK/slugs.txt" TAGS="$WORK/tags.txt" USERS="$WORK/users.txt" TOKENS="$WORK/tokens.txt")
  env "${env[@]}" wrk -t2 -c"$CONNECTIONS" -d20s -s "$ROOT/scripts/bench/zipf-read-mix.lua" "http://127.0.0.1:$PORT" >/dev/null
  local hits0 misses0
  hits0=$(metric conduit_cache_requests_total 'result="hit"'); misses0=$(metric conduit_cache_requests_total 'result="miss"')
  echo "== $label: ${DURATION}s after a 20 s warm-up, $CONNECTIONS connections, 30 % authenticated"
  env "${env[@]}" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/scripts/bench/zipf-read-mix.lua" \
    "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
  local hits misses
  hits=$(echo "$(metric conduit_cache_requests_total 'result="hit"') - $hits0" | bc)
  misses=$(echo "$(metric conduit_cache_requests_total 'result="miss"') - $misses0" | bc)
  if [ "$(echo "$hits + $misses > 0" | bc)" = 1 ]; then
    echo "cache hit ratio (server counters): $(echo "scale=3; $hits / ($hits + $misses)" | bc) ($hits hits, $misses misses)"
  fi
  echo "SQL statements during the run: $(metric conduit_db_statements_total 'pool="primary"')"
  stop
}

run cache-on CONDUIT_REDIS_URL=redis://127.0.0.1:6379
run cache-off CONDUIT_CACHE_ENABLED=false
echo "cores: $(nproc) (wrk, the JVM and PostgreSQL share them)"
