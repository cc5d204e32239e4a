#!/usr/bin/env bash
# Short form of the cluster drills (docs/operations.md): starts the local cluster on the previous release's
# jar in a fresh directory, runs ClusterDrills with a few seconds of load per phase (the rolling upgrade to the
# current jar first, then the failure drills, then overload), stops the cluster by PID, prints the report.
# 50 requests/s by default: at 100/s the cluster's nine processes and the driver already use about 75 % of the
# two cores in steady state, so every JVM start saturates them; the full form (docs/operations.md) goes higher.
#   .ci/drills.sh            (expects target/conduit-scale.jar, i.e. after mvn verify or package)
# Ports: CLUSTER_PORT_BASE (default 23000) .. +300.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
export CLUSTER_DIR=${CLUSTER_DIR:-$(mktemp -d /tmp/conduit-drills.XXXXXX)}
CLUSTER="$ROOT/scripts/cluster"
trap '"$CLUSTER" down || true' EXIT

started=$(date +%s)
PREVIOUS=$("$ROOT/scripts/previous-release-jar")
# both releases' AOT caches (scripts/aot-cache) are trained before the load starts, not during a drill
"$ROOT/scripts/aot-cache" "$PREVIOUS" >/dev/null
"$ROOT/scripts/aot-cache" "$ROOT/target/conduit-scale.jar" >/dev/null
CLUSTER_JAR="$PREVIOUS" "$CLUSTER" up
"$CLUSTER" status
echo "drills: cluster up after $(( $(date +%s) - started )) s"
status=0
(cd "$ROOT" && mvn -q -B -ntp test -Dtest=ClusterDrills -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddrill.seconds="${DRILL_SECONDS:-3}" -Ddrill.rate="${DRILL_RATE:-50}" -Ddrill.upgradeTo="$ROOT/target/conduit-scale.jar") || status=$?
# this run's outcomes (report.md also keeps earlier runs'), each drill followed by its slowest calls with when
# they were due, next to the cluster commands on the same clock
OUTPUT="$ROOT/target/surefire-reports/io.conduitscale.drill.ClusterDrills-output.txt"
if [ -f "$OUTPUT" ]; then grep -h "^DRILL" "$OUTPUT" || true; else cat "$ROOT/target/drills/report.md" 2>/dev/null || true; fi
grep -h "Tests run\|FAILURE" "$ROOT"/target/surefire-reports/io.conduitscale.drill.ClusterDrills.txt 2>/dev/null | head -20 || true
echo "drills: $([ $status -eq 0 ] && echo passed || echo FAILED) after $(( $(date +%s) - started )) s"
exit $status
