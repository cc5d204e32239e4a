#!/usr/bin/env bash
# Prints the classpath of a broker (kafka | elasticmq), resolving its jars from Maven Central once and
# caching the result in scripts/brokers/target/<broker>.classpath.
set -euo pipefail
BROKER=${1:?usage: classpath.sh kafka|elasticmq}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/target/$BROKER.classpath"
if [ ! -s "$OUT" ]; then
  mkdir -p "$HERE/target"
  mvn -q -B -ntp -f "$HERE/pom.xml" -P "$BROKER" dependency:build-classpath -Dmdep.outputFile="$OUT.tmp" >&2
  mv "$OUT.tmp" "$OUT"
fi
cat "$OUT"
