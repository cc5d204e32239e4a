package io.conduitscale.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} of the test's own, on a free loopback port, that the test can stop,
 * start again on the same port, freeze ({@code kill -STOP}) and thaw ({@code kill -CONT}).
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path directory;
    private Process process;

    private RedisServerProcess(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    public static RedisServerProcess start() throws IOException, InterruptedException {
        RedisServerProcess redis = notStarted();
        redis.startAgain();
        return redis;
    }

    /** A free port for a server that is not running yet: start it later with {@link #startAgain()}. */
    public static RedisServerProcess notStarted() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return new RedisServerProcess(port, Files.createTempDirectory("conduit-redis-"));
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void startAgain() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    /** Stops the server (its data is gone: it keeps nothing on disk). */
    public void stop() throws InterruptedException {
        thaw();
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Freezes the process: connections stay open and nothing answers, as in a real hang. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void thaw() throws InterruptedException {
        try {
            signal("CONT");
        } catch (IOException ignored) {
            // not running
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
