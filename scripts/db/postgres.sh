#!/usr/bin/env bash
# Runs PostgreSQL servers as plain processes on loopback, for tests, CI, benchmarks and the local cluster:
# a primary, and streaming hot standbys of it. Uses Debian's PostgreSQL 15 binaries (package postgresql-15);
# when run as root the servers run as the `postgres` user, because initdb and postgres refuse root.
#
#   postgres.sh primary DIR PORT [SETTING=VALUE ...]               initdb (once) and start; prints the PID
#   postgres.sh replica DIR PORT PRIMARY_PORT [SETTING=VALUE ...]  pg_basebackup -R (once) and start; prints the PID
#   postgres.sh set DIR SETTING=VALUE ...                          change settings of a running server and reload
#   postgres.sh stop DIR                                           fast shutdown
#
# Settings go to postgresql.auto.conf, e.g. recovery_min_apply_delay=1s on a replica forces it to lag,
# shared_preload_libraries=pg_stat_statements on a primary. Logs are DIR.log. Authentication is trust on
# loopback only. The server is started with pg_ctl; stop it with `stop` (or kill the printed PID).
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$BIN/postgres" ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

configure() {
  local dir=$1; shift
  for setting in "$@"; do
    local name=${setting%%=*} value=${setting#*=}
    as_postgres sed -i "/^$name = /d" "$dir/postgresql.auto.conf"
    printf "%s = '%s'\n" "$name" "$value" | as_postgres tee -a "$dir/postgresql.auto.conf" >/dev/null
  done
}

prepare_dir() {
  local dir=$1
  mkdir -p "$(dirname "$dir")"
  if [ "$(id -u)" = 0 ]; then
    # the postgres user must be able to reach the directory: every ancestor needs o+x (mktemp -d makes 0700)
    local parent; parent=$(cd "$(dirname "$dir")" && pwd)
    while [ "$parent" != / ]; do
      [ -n "$(find "$parent" -maxdepth 0 -perm -o+x)" ] || chmod o+x "$parent" 2>/dev/null || true
      parent=$(dirname "$parent")
    done
    mkdir -p "$dir" && chown postgres:postgres "$dir" && chmod 700 "$dir"
  else
    mkdir -p "$dir" && chmod 700 "$dir"
  fi
}

start() {
  local dir=$1 port=$2
  as_postgres "$BIN/pg_ctl" -D "$dir" -l "$dir.log" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -w -t 60 start >/dev/null
  head -1 "$dir/postmaster.pid"
}

command=${1:?usage: postgres.sh primary|replica|set|stop DIR ...}
dir=$(realpath -m "${2:?DIR}")
case "$command" in
  primary)
    port=${3:?PORT}; shift 3
    if [ ! -f "$dir/PG_VERSION" ]; then
      prepare_dir "$dir"
      touch "$dir.log" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$dir.log"; }
      as_postgres "$BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
      # streaming replication from loopback (initdb's trust lines already allow it); fast shutdown
      configure "$dir" wal_level=replica max_wal_senders=10 hot_standby=on
    fi
    configure "$dir" "$@"
    start "$dir" "$port"
    ;;
  replica)
    port=${3:?PORT}; primary_port=${4:?PRIMARY_PORT}; shift 4
    if [ ! -f "$dir/PG_VERSION" ]; then
      prepare_dir "$dir"
      touch "$dir.log" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$dir.log"; }
      # -R writes standby.signal and primary_conninfo; -X stream copies the WAL needed to be consistent
      as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast
    fi
    configure "$dir" hot_standby=on "$@"
    start "$dir" "$port"
    ;;
  set)
    shift 2
    configure "$dir" "$@"
    as_postgres "$BIN/pg_ctl" -D "$dir" reload >/dev/null
    ;;
  stop)
    as_postgres "$BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "unknown command $command" >&2; exit 2
    ;;
esac
