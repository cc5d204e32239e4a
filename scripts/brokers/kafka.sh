#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker + controller) on loopback as a background process.
#   usage: kafka.sh DATA_DIR [PORT]   PORT is the client port (default 19092); the controller uses PORT+1
# Prints the broker's PID on standard output once the client port accepts connections; logs go to DATA_DIR/kafka.log.
# Stop it with: kill PID
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DIR=${1:?usage: kafka.sh DATA_DIR [PORT]}
PORT=${2:-19092}
HERE=$(cd "$(dirname "$0")" && pwd)
CP=$("$HERE/classpath.sh" kafka)
mkdir -p "$DIR/logs"
cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((PORT + 1))
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$((PORT + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DIR/logs
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
JAVA=("$JAVA_HOME/bin/java" -Xmx512m -XX:+UseSerialGC -cp "$CP")
# format once; a restart on the same directory keeps the cluster id, topics and offsets
if [ ! -f "$DIR/logs/meta.properties" ]; then
  "${JAVA[@]}" kafka.tools.StorageTool format -t "$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
    -c "$DIR/server.properties" >"$DIR/format.log" 2>&1
fi
nohup "${JAVA[@]}" kafka.Kafka "$DIR/server.properties" >"$DIR/kafka.log" 2>&1 &
PID=$!
for _ in $(seq 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$PID"; exit 0; fi
  kill -0 "$PID" 2>/dev/null || { echo "kafka exited; see $DIR/kafka.log" >&2; tail -20 "$DIR/kafka.log" >&2; exit 1; }
  sleep 0.5
done
echo "kafka not listening on $PORT after 60 s" >&2; kill "$PID"; exit 1
