package io.conduitscale.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A message broker run as its own OS process by scripts/brokers (Kafka in KRaft mode, or ElasticMQ as
 * SQS), so tests can stop it, freeze it with SIGSTOP and thaw it with SIGCONT like an outage would.
 * Both keep their data in their directory across a restart. Stopped by its PID.
 */
public final class BrokerProcess implements AutoCloseable {

    private final String script;
    private final Path dataDirectory;
    private final int port;
    private long pid;

    private BrokerProcess(String script, Path dataDirectory, int port) {
        this.script = script;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Formats (once) and starts a single-node Kafka on 127.0.0.1:port (controller on port+1). */
    public static BrokerProcess kafka(Path dataDirectory, int port) throws Exception {
        BrokerProcess broker = new BrokerProcess("kafka.sh", dataDirectory, port);
        broker.start();
        return broker;
    }

    /** Starts ElasticMQ (SQS API) on 127.0.0.1:port with no queues; queues and messages survive a restart. */
    public static BrokerProcess elasticmq(Path dataDirectory, int port) throws Exception {
        BrokerProcess broker = new BrokerProcess("elasticmq.sh", dataDirectory, port);
        broker.start();
        return broker;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The SQS endpoint of an ElasticMQ broker. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return pid;
    }

    /** (Re)starts on the same data, keeping topics and offsets. */
    public void start() throws Exception {
        Process process = new ProcessBuilder(List.of("bash", Path.of("scripts", "brokers", script).toString(),
                dataDirectory.toString(), Integer.toString(port)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException(script + " did not start: " + out);
        }
        pid = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow().trim());
    }

    public void freeze() throws Exception {
        signal("STOP");
    }

    public void thaw() throws Exception {
        signal("CONT");
    }

    /** SIGTERM and wait until the process is gone. */
    public void stop() throws Exception {
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        signal("CONT");
        stop();
    }

    public static Duration startTimeout() {
        return Duration.ofSeconds(120);
    }
}
