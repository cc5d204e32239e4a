package io.conduitscale.support;

import io.conduitscale.platform.security.SigningKeyGenerator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar run as its own OS process, as an operator would run it: configured only through
 * environment variables, stopped with SIGTERM. Used by the *IT tests (Maven Failsafe, after packaging).
 */
public final class ConduitProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ConduitProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static Path jar() {
        String jar = System.getProperty("conduit.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("system property conduit.jar must name the packaged jar (run with mvn verify)");
        }
        return Path.of(jar);
    }

    /**
     * How the jar is started: from its extracted form with the AOT cache that Maven trained before the ITs
     * ({@code scripts/aot-cache}, system property {@code conduit.aot}), as production may; otherwise the
     * jar itself. The folder's layout is the script's: {@code conduit-scale.aot} next to {@code app/}. The
     * cache only makes the start cheaper; one trained on other jars is rejected by the JVM with a warning.
     */
    static List<String> launch() {
        String aot = System.getProperty("conduit.aot");
        if (aot != null) {
            Path cache = Path.of(aot, "conduit-scale.aot");
            Path extracted = Path.of(aot, "app", "conduit-scale.jar");
            if (Files.exists(cache) && Files.exists(extracted)) {
                return List.of("-XX:AOTCache=" + cache, "-jar", extracted.toString());
            }
        }
        return List.of("-jar", jar().toString());
    }

    /**
     * The settings every process of a multi-process test shares (api and worker roles, several workers):
     * one PostgreSQL server on loopback (user postgres, trust authentication, as EmbeddedPostgres runs it),
     * one token issuer and signing key, and write rate limits out of the way. A mutable map: add the
     * transport's settings, then copy it per role.
     */
    public static Map<String, String> sharedEnvironment(int postgresPort) {
        Map<String, String> environment = new HashMap<>();
        environment.put("CONDUIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres");
        environment.put("CONDUIT_DB_USER", "postgres");
        environment.put("CONDUIT_DB_PASSWORD", "trust");
        environment.put("CONDUIT_JWT_ISSUER", "http://conduit.test");
        environment.put("CONDUIT_JWT_SIGNING_KEY", SigningKeyGenerator.newPrivateJwk().toJSONString());
        environment.put("CONDUIT_RATE_LIMIT_WRITES_PER_USER", "1000000");
        return environment;
    }

    /** Starts the jar with these environment variables (and a free SERVER_PORT) without waiting. */
    public static ConduitProcess start(Map<String, String> environment, Path workDirectory) throws IOException {
        return start(environment, workDirectory, freePort());
    }

    /** Starts on a given port, e.g. to restart an instance where it was (its issuer URL includes the port). */
    public static ConduitProcess start(Map<String, String> environment, Path workDirectory, int port) throws IOException {
        Files.createDirectories(workDirectory);
        Path log = Files.createTempFile(workDirectory, "conduit-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(launch());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("CONDUIT_"));
        env.put("SERVER_PORT", Integer.toString(port));
        env.putAll(new HashMap<>(environment));
        return new ConduitProcess(builder.start(), log, port);
    }

    public ApiClient api() {
        return ApiClient.forPort(port);
    }

    public int port() {
        return port;
    }

    /** Waits until readiness is UP; fails with the process output if it exits or takes too long. */
    public ConduitProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (api().get("/actuator/health/readiness").status() == 200) {
                    return this;
                }
            } catch (RuntimeException notListeningYet) {
                // keep polling
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready after " + timeout + ":\n" + output());
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not exit within " + timeout);
        }
        return process.exitValue();
    }

    /** SIGTERM, as ECS and Kubernetes send it. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL (kill -9), as a crash or a spot reclaim past its notice would; waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** The last {@code chars} characters of the output, for failure messages. */
    public String outputTail(int chars) {
        String output = output();
        return output.substring(Math.max(0, output.length() - chars));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
