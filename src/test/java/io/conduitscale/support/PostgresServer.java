package io.conduitscale.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 server of the test's own, run by {@code scripts/db/postgres.sh}: a primary, or a
 * streaming hot standby of one. The test can change its settings (e.g. {@code recovery_min_apply_delay}
 * to make a replica lag), stop and restart it, and freeze it ({@code kill -STOP} on the postmaster and
 * every backend, as a hung machine would be).
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path SCRIPT = Path.of("scripts/db/postgres.sh").toAbsolutePath();

    private final Path directory;
    private final int port;
    private final List<String> startCommand;
    private boolean frozen;

    private PostgresServer(Path directory, int port, List<String> startCommand) {
        this.directory = directory;
        this.port = port;
        this.startCommand = startCommand;
    }

    public static PostgresServer primary(Path directory, int port, String... settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("primary", directory.toString(), Integer.toString(port)));
        command.addAll(List.of(settings));
        PostgresServer server = new PostgresServer(directory, port, command);
        server.start();
        return server;
    }

    public static PostgresServer replicaOf(PostgresServer primary, Path directory, int port, String... settings)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("replica", directory.toString(), Integer.toString(port),
                Integer.toString(primary.port)));
        command.addAll(List.of(settings));
        PostgresServer server = new PostgresServer(directory, port, command);
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Starts it (again), with the settings it was created with. */
    public void start() throws IOException, InterruptedException {
        script(startCommand.toArray(String[]::new));
    }

    /** Changes settings and reloads the configuration, e.g. {@code recovery_min_apply_delay=1s}. */
    public void set(String... settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("set", directory.toString()));
        command.addAll(List.of(settings));
        script(command.toArray(String[]::new));
    }

    /** Fast shutdown: connections are closed. */
    public void stop() throws IOException, InterruptedException {
        thaw();
        script("stop", directory.toString());
    }

    /** Freezes the postmaster and every backend: connections stay open and nothing answers. */
    public void freeze() throws IOException, InterruptedException {
        long postmaster = postmasterPid();
        signal("STOP", postmaster);
        ProcessHandle.of(postmaster).ifPresent(handle -> handle.children().forEach(child -> {
            try {
                signal("STOP", child.pid());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        frozen = true;
    }

    public void thaw() throws IOException, InterruptedException {
        if (!frozen) {
            return;
        }
        long postmaster = postmasterPid();
        for (ProcessHandle child : ProcessHandle.of(postmaster).map(h -> h.children().toList()).orElse(List.of())) {
            signal("CONT", child.pid());
        }
        signal("CONT", postmaster);
        frozen = false;
    }

    /** Runs SQL through psql on this server and returns the output (unaligned, tuples only). */
    public String sql(String database, String sql) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return output;
    }

    private long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid")).getFirst().trim());
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
    }

    private static void script(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("postgres.sh " + String.join(" ", arguments) + " failed:\n" + output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
