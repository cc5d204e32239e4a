#!/usr/bin/env bash
# CI step: indexes proven on the large dataset (docs/database.md, "Plan check"). Starts its own PostgreSQL 15
# (pg_stat_statements + auto_explain preloaded) on 127.0.0.1:21400 and the packaged jar on 21480, loads
# scripts/data/generate.sh (scale DATA_PLANS_SCALE, default 1.0), runs the official suite and a load mix of
# every list shape, then judges the plan of every statement the application ran (scripts/data/plan-check.py).
# Fails on a sequential scan of a large table or a plan over the thresholds. Stops what it starts, by PID.
#   usage: .ci/data-plans.sh [JAR]        (default target/conduit-scale.jar; build it first)
#   settings: DATA_PLANS_SCALE, DATA_PLANS_PG_PORT, DATA_PLANS_APP_PORT, DATA_PLANS_BREAK_SQL, PLAN_* (plan-check.py)
set -euo pipefail

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$(realpath "${1:-$ROOT/target/conduit-scale.jar}")
SCALE=${DATA_PLANS_SCALE:-1.0}
PG_PORT=${DATA_PLANS_PG_PORT:-21400} APP_PORT=${DATA_PLANS_APP_PORT:-21480}
WORK=$(mktemp -d /tmp/conduit-data-plans.XXXXXX)
DB=conduit_plans APP_ROLE=conduit_app
PG=(bash "$ROOT/scripts/db/postgres.sh")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
APP_PID=
started=$(date +%s)
log() { printf '\n=== data plans +%ss: %s\n' "$(( $(date +%s) - started ))" "$*"; }
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  "${PG[@]}" stop "$WORK/pg"
}
trap cleanup EXIT
[ -f "$JAR" ] || { echo "no jar at $JAR: build it first (mvn package)"; exit 1; }
LAUNCH_ARGS=$(bash "$ROOT/scripts/aot-cache" "$JAR") # extracted, with an AOT cache (trained once per jar)
read -ra LAUNCH <<<"$LAUNCH_ARGS"
command -v python3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; }

log "PostgreSQL with pg_stat_statements and auto_explain on $PG_PORT"
"${PG[@]}" primary "$WORK/pg" "$PG_PORT" shared_preload_libraries=pg_stat_statements,auto_explain \
  compute_query_id=on pg_stat_statements.track=top pg_stat_statements.track_utility=off pg_stat_statements.max=10000 \
  logging_collector=on log_destination=jsonlog log_directory=log shared_buffers=256MB max_connections=100 >/dev/null
"${PSQL[@]}" -c "CREATE DATABASE $DB" -c "CREATE ROLE $APP_ROLE LOGIN"
(cd "$WORK" && env CONDUIT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" CONDUIT_DB_USER=postgres CONDUIT_DB_PASSWORD=trust \
  CONDUIT_PROFILE=production CONDUIT_ROLE=migrate java "${LAUNCH[@]}" >"$WORK/migrate.log" 2>&1) \
  || { echo "migrate failed"; tail -30 "$WORK/migrate.log"; exit 1; }

log "dataset (scale $SCALE)"
bash "$ROOT/scripts/data/generate.sh" --host 127.0.0.1 --port "$PG_PORT" --db "$DB" --scale "$SCALE"
# DATA_PLANS_BREAK_SQL (e.g. "DROP INDEX articles_author_created_idx") breaks the schema on purpose, to show the
# check fails
if [ -n "${DATA_PLANS_BREAK_SQL:-}" ]; then echo "breaking on purpose: $DATA_PLANS_BREAK_SQL"; "${PSQL[@]}" -d "$DB" -c "$DATA_PLANS_BREAK_SQL"; fi

# the application runs as its own role: pg_stat_statements then lists exactly its statements, and auto_explain
# logs every execution of them (with the real parameters, under default planner settings) and nothing else
"${PSQL[@]}" -d "$DB" <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $APP_ROLE;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO $APP_ROLE;
ALTER ROLE $APP_ROLE SET auto_explain.log_min_duration = 0;
ALTER ROLE $APP_ROLE SET auto_explain.log_analyze = on;
ALTER ROLE $APP_ROLE SET auto_explain.log_buffers = on;
ALTER ROLE $APP_ROLE SET auto_explain.log_verbose = on;
ALTER ROLE $APP_ROLE SET auto_explain.log_format = json;
SELECT pg_stat_statements_reset() \\g /dev/null
SQL

log "application on $APP_PORT"
KEY=$(CONDUIT_ROLE=keygen java "${LAUNCH[@]}")
(cd "$WORK" && exec env CONDUIT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" CONDUIT_DB_USER=$APP_ROLE CONDUIT_DB_PASSWORD=trust \
  CONDUIT_PROFILE=production CONDUIT_JWT_ISSUER="http://127.0.0.1:$APP_PORT" CONDUIT_JWT_SIGNING_KEY="$KEY" \
  CONDUIT_CACHE=local CONDUIT_SHUTDOWN_DRAIN=0s SERVER_PORT=$APP_PORT java "${LAUNCH[@]}" >"$WORK/app.log" 2>&1) &
APP_PID=$!
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null || { echo "app not ready"; tail -40 "$WORK/app.log"; exit 1; }

log "official suite"
"$ROOT/../shared/realworld-suite/run.sh" "http://127.0.0.1:$APP_PORT" || { echo "official suite failed on the large dataset"; exit 1; }

log "load mix"
bash "$ROOT/scripts/data/load-mix.sh" "http://127.0.0.1:$APP_PORT"
sleep 2 # background work (outbox relay, consumers) finishes its last statements

log "plans"
"${PSQL[@]}" -d "$DB" -tAc "SELECT coalesce(json_agg(json_build_object('queryid', s.queryid::text, 'calls', s.calls, 'query', s.query)), '[]')
  FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
  WHERE r.rolname = '$APP_ROLE' AND d.datname = '$DB'" >"$WORK/statements.json"
"${PSQL[@]}" -d "$DB" -tAc "SELECT coalesce(json_object_agg(relname, reltuples), '{}') FROM pg_class
  WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples >= ${PLAN_LARGE_ROWS:-10000}" >"$WORK/large.json"
echo "large tables: $(cat "$WORK/large.json")"
python3 "$ROOT/scripts/data/plan-check.py" "$WORK/statements.json" "$WORK/large.json" "$WORK/pg/log"
log "plan check passed"
