#!/usr/bin/env bash
# Starts ElasticMQ 1.7.1 (an SQS-compatible server) on loopback as a background process.
#   usage: elasticmq.sh DATA_DIR [PORT] [QUEUE MAX_RECEIVES]
#   PORT defaults to 22324. With QUEUE, the configuration also declares the FIFO queue QUEUE.fifo and its
#   dead-letter queue QUEUE-dlq.fifo (redrive after MAX_RECEIVES receives), as the infrastructure would;
#   without it, the caller creates queues through the SQS API (as SqsEventsIT does).
# Queues and messages persist in DATA_DIR (queues.conf and an H2 database), so a restart on the same
# directory keeps them, like SQS itself. Prints the server's PID on standard output once the port accepts
# connections; logs go to DATA_DIR/elasticmq.log. Stop it with: kill PID
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DIR=${1:?usage: elasticmq.sh DATA_DIR [PORT] [QUEUE MAX_RECEIVES]}
PORT=${2:-22324}
QUEUE=${3:-}
MAX_RECEIVES=${4:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
CP=$("$HERE/classpath.sh" elasticmq)
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
QUEUES=""
if [ -n "$QUEUE" ]; then
  QUEUES="
  \"$QUEUE-dlq.fifo\" { fifo = true }
  \"$QUEUE.fifo\" {
    fifo = true
    defaultVisibilityTimeout = 30 seconds
    deadLettersQueue { name = \"$QUEUE-dlq.fifo\", maxReceiveCount = $MAX_RECEIVES }
  }"
fi
cat >"$DIR/elasticmq.conf" <<CONF
include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = $PORT, context-path = "" }
rest-sqs { enabled = true, bind-port = $PORT, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
queues { $QUEUES
}
queues-storage { enabled = true, path = "$DIR/queues.conf" }
messages-storage { enabled = true, uri = "jdbc:h2:$DIR/messages" }
CONF
nohup "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC -Dconfig.file="$DIR/elasticmq.conf" -cp "$CP" \
  org.elasticmq.server.Main >"$DIR/elasticmq.log" 2>&1 &
PID=$!
for _ in $(seq 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$PID"; exit 0; fi
  kill -0 "$PID" 2>/dev/null || { echo "elasticmq exited; see $DIR/elasticmq.log" >&2; tail -20 "$DIR/elasticmq.log" >&2; exit 1; }
  sleep 0.5
done
echo "elasticmq not listening on $PORT after 60 s" >&2; kill "$PID"; exit 1
