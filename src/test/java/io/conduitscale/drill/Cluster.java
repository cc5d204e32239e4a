package io.conduitscale.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The running local cluster, driven through scripts/cluster (the same commands an operator types): its ports
 * from {@code scripts/cluster env}, each process's PID and memory, and a connection to the primary for the
 * drills' accounting.
 */
final class Cluster {

    /** A {@code scripts/cluster} command the drills ran, with when it started and ended (System.nanoTime). */
    record Step(String command, long startNanos, long endNanos) {}

    private final Path script;
    private final Map<String, String> env;
    private final Queue<Step> steps = new ConcurrentLinkedQueue<>();

    private Cluster(Path script, Map<String, String> env) {
        this.script = script;
        this.env = env;
    }

    /** The cluster of CLUSTER_DIR (environment; default target/cluster), which must be up. */
    static Cluster running() {
        Path script = Path.of("scripts", "cluster").toAbsolutePath();
        Map<String, String> env = new TreeMap<>();
        for (String line : output(script, List.of("env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Cluster(script, env);
    }

    String lbUrl() {
        return env.get("LB_URL");
    }

    int apiCount() {
        return Integer.parseInt(env.get("CLUSTER_API"));
    }

    int workerCount() {
        return Integer.parseInt(env.get("CLUSTER_WORKERS"));
    }

    Path dir() {
        return Path.of(env.get("CLUSTER_DIR"));
    }

    String jar() {
        return env.get("CLUSTER_JAR");
    }

    /** Runs {@code scripts/cluster ARGS...}, its log lines going to this process's output; fails on a non-zero exit. */
    void run(String... args) {
        run(Map.of(), args);
    }

    void run(Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(extraEnv);
        long started = System.nanoTime();
        try {
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/cluster " + String.join(" ", args) + " took over 180 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("scripts/cluster " + String.join(" ", args) + " exited " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            steps.add(new Step(String.join(" ", args), started, System.nanoTime()));
        }
    }

    /** The commands run while {@code result}'s load was on, each as "stop replica +0.75..0.98 s" on the load's clock. */
    String stepsDuring(Traffic.Result result) {
        long end = result.startNanos() + (long) (result.seconds() * 1e9);
        return steps.stream().filter(step -> step.startNanos() >= result.startNanos() && step.startNanos() <= end)
                .map(step -> "%s +%.2f..%.2f s".formatted(step.command(), (step.startNanos() - result.startNanos()) / 1e9,
                        (step.endNanos() - result.startNanos()) / 1e9))
                .collect(Collectors.joining(", "));
    }

    /** The PID of a process of the cluster, or -1 if it is not running. */
    long pid(String name) {
        List<String> lines = output(script, List.of("pid", name));
        return lines.isEmpty() || lines.getFirst().isBlank() ? -1 : Long.parseLong(lines.getFirst().strip());
    }

    /** Resident memory of a process in MiB (VmRSS), or -1 if it is not running. */
    long rssMib(String name) {
        long pid = pid(name);
        if (pid < 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    Connection primary() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + env.get("PRIMARY_PORT") + "/conduit",
                "conduit", "conduit");
    }

    private static List<String> output(Path script, List<String> args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("scripts/cluster " + args + " failed: is the cluster up?");
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
