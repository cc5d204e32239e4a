package io.conduitscale.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failure and deployment drills against the running local cluster (scripts/cluster up), each under load
 * through HAProxy and each asserting its exact outcome. Not part of `mvn verify`: run by .ci/drills.sh (short
 * form) or by hand (full form, docs/operations.md):
 *
 * <pre>
 *   mvn -q -ntp test -Dtest=ClusterDrills -Ddrill.seconds=30 -Ddrill.rate=300
 * </pre>
 *
 * Knobs (system properties): drill.seconds (load per phase, default 4), drill.rate (requests/s, default 150),
 * drill.warmUpSeconds (load before the first drill, on a freshly started cluster's cold JVMs; default 20),
 * drill.writeShare (default 0.1), drill.p99BoundMs (the bound of the dependency drills, default 1500),
 * drill.upgradeTo (the jar the upgrade drill moves to; the cluster must have been started on the previous
 * release's jar, scripts/previous-release-jar). Measured outcomes are appended to target/drills/report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDrills {

    static final Duration PHASE = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("drill.seconds", "4")) * 1000));
    static final double RATE = Double.parseDouble(System.getProperty("drill.rate", "150"));
    static final double WRITE_SHARE = Double.parseDouble(System.getProperty("drill.writeShare", "0.1"));
    static final double P99_BOUND_MS = Double.parseDouble(System.getProperty("drill.p99BoundMs", "1500"));
    static final Path REPORT = Path.of("target", "drills", "report.md");
    static final Duration WARM_UP = Duration.ofSeconds(Long.parseLong(System.getProperty("drill.warmUpSeconds", "20")));

    static Cluster cluster;
    static Traffic traffic;

    @BeforeAll
    static void seed() throws IOException {
        cluster = Cluster.running();
        // enough writers that the per-user write limit (300/min) is never what a drill measures
        int writers = (int) Math.ceil(RATE * WRITE_SHARE * 60 / 200) + 2;
        traffic = Traffic.seed(cluster.lbUrl(), 20, writers, WRITE_SHARE);
        Files.createDirectories(REPORT.getParent());
        if (!Files.exists(REPORT)) {
            Files.writeString(REPORT, "| drill | load | outcome |\n|---|---|---|\n");
        }
        // the cluster has usually just been started: its JVMs are cold. A deploy or a failure meets a fleet
        // that has been serving, so the drills start on a warmed one (not asserted, only reported)
        report("warm-up (not a drill)", traffic.open(RATE, WARM_UP, false, false, null), "");
    }

    @Test
    @Order(1)
    void rollingUpgradeFromThePreviousReleaseWithTheMigrationFirst() throws Exception {
        String target = Path.of(System.getProperty("drill.upgradeTo", "target/conduit-scale.jar")).toAbsolutePath().normalize().toString();
        String running = runningJar("api-1");
        assertThat(running).as("the cluster must run the previous release (CLUSTER_JAR=$(scripts/previous-release-jar) scripts/cluster up)")
                .isNotEqualTo(target);
        int versionsBefore = migrationsApplied();
        Map<String, String> upgrade = Map.of("CLUSTER_JAR", target);

        Traffic.Result result = traffic.open(RATE, PHASE, false, false, () -> {
            pause(PHASE.dividedBy(4));
            cluster.run(upgrade, "migrate"); // the one-shot task, while the previous release serves
            for (int i = 1; i <= cluster.apiCount(); i++) {
                cluster.run(upgrade, "restart", "api-" + i);
            }
            for (int i = 1; i <= cluster.workerCount(); i++) {
                cluster.run(upgrade, "restart", "worker-" + i);
            }
            pause(PHASE.dividedBy(4));
        });

        int versionsAfter = migrationsApplied();
        report("rolling upgrade " + Path.of(running).getFileName() + " -> " + Path.of(target).getFileName()
                + " (migrations applied " + versionsBefore + " -> " + versionsAfter + ")", result, "");
        assertThat(result.failed()).as("failed requests").isEmpty();
        for (int i = 1; i <= cluster.apiCount(); i++) {
            assertThat(runningJar("api-" + i)).isEqualTo(target);
        }
        assertThat(versionsAfter).as("the upgrade ran the new release's migrations").isGreaterThanOrEqualTo(versionsBefore);
    }

    @Test
    @Order(2)
    void rollingRestartOfEveryApiInstance() throws Exception {
        Traffic.Result result = traffic.open(RATE, PHASE, false, false, () -> {
            pause(PHASE.dividedBy(4));
            for (int i = 1; i <= cluster.apiCount(); i++) {
                cluster.run("restart", "api-" + i);
            }
            pause(PHASE.dividedBy(4));
        });
        report("rolling restart of " + cluster.apiCount() + " API instances", result, "");
        assertThat(result.failed()).as("failed requests").isEmpty();
    }

    @Test
    @Order(3)
    void killDashNineOfOneApiInstance() throws Exception {
        Traffic.Result result = traffic.open(RATE, PHASE.multipliedBy(2), true, false, () -> {
            pause(PHASE.dividedBy(2));
            cluster.run("kill", "api-1");
            pause(PHASE.dividedBy(2));
            cluster.run("start", "api-1");
        });
        List<Traffic.Call> reads = result.calls().stream().filter(c -> !c.write()).toList();
        List<Traffic.Call> writes = result.writes();
        long writesRetried = writes.stream().filter(c -> c.attempts() > 1).count();
        Map<String, Integer> applied = commentsByKey(writes);
        long appliedOnce = writes.stream().filter(c -> applied.getOrDefault(c.key(), 0) == 1).count();
        report("kill -9 of api-1 (then started again)", result, "reads failed: %d of %d; writes retried with their key: %d; writes applied exactly once: %d of %d"
                .formatted(reads.stream().filter(c -> !c.ok()).count(), reads.size(), writesRetried, appliedOnce, writes.size()));

        assertThat(reads).as("idempotent requests (the balancer retries them)").allMatch(Traffic.Call::ok);
        assertThat(writes).as("writes, retried with their Idempotency-Key").allMatch(Traffic.Call::ok);
        assertThat(writes).as("every write applied exactly once").allMatch(c -> applied.getOrDefault(c.key(), 0) == 1);
        assertThat(applied.values()).as("no write applied twice").allMatch(n -> n == 1);
    }

    @Test
    @Order(4)
    void redisStoppedAndFrozenThenRestored() throws Exception {
        dependencyDrill("redis");
    }

    @Test
    @Order(5)
    void replicaStoppedAndFrozenThenRestored() throws Exception {
        dependencyDrill("replica");
    }

    /** Stop, restore, freeze, thaw a dependency under load: no 5xx and a bounded p99. */
    private void dependencyDrill(String name) throws Exception {
        Traffic.Result result = traffic.open(RATE, PHASE.multipliedBy(2), false, false, () -> {
            pause(PHASE.dividedBy(4));
            cluster.run("stop", name);
            pause(PHASE.dividedBy(2));
            cluster.run("start", name);
            pause(PHASE.dividedBy(4));
            cluster.run("freeze", name);
            pause(PHASE.dividedBy(2));
            cluster.run("thaw", name);
            pause(PHASE.dividedBy(4));
        });
        report(name + " stopped, started, frozen (kill -STOP), thawed", result, "bound: p99 <= %.0f ms".formatted(P99_BOUND_MS));
        assertThat(result.failed()).as("failed requests (no 5xx, no connection failure)").isEmpty();
        assertThat(result.p99()).as("p99, ms").isLessThanOrEqualTo(P99_BOUND_MS);
    }

    @Test
    @Order(6)
    void kafkaStoppedAndFrozenThenRestored() throws Exception {
        Traffic.Result result = traffic.open(RATE, PHASE.multipliedBy(2), false, false, () -> {
            pause(PHASE.dividedBy(4));
            cluster.run("stop", "kafka");
            pause(PHASE.dividedBy(2));
            cluster.run("start", "kafka");
            pause(PHASE.dividedBy(4));
            cluster.run("freeze", "kafka");
            pause(PHASE.dividedBy(2));
            cluster.run("thaw", "kafka");
        });
        List<Traffic.Call> writes = result.writes();
        long delivered = awaitEveryNotification(writes, Duration.ofSeconds(90));
        report("kafka stopped, started, frozen, thawed", result, "writes succeeded: %d of %d; their events delivered (one notification each): %d"
                .formatted(writes.stream().filter(Traffic.Call::ok).count(), writes.size(), delivered));
        assertThat(writes).as("writes keep succeeding").isNotEmpty().allMatch(Traffic.Call::ok);
        assertThat(result.failed()).as("failed requests").isEmpty();
        assertThat(delivered).as("every event delivered exactly once afterwards").isEqualTo(writes.size());
        assertThat(unsentOutboxRows()).as("outbox rows not relayed").isZero();
    }

    @Test
    @Order(7)
    void workerKilledMidBatch() throws Exception {
        // a backlog first (no worker runs), so that the kill lands while the restarted worker is consuming it
        long[] consumedBeforeKill = {-1, -1};
        Traffic.Result result = traffic.open(RATE, PHASE.multipliedBy(2), false, false, () -> {
            cluster.run("stop", "worker-1");
            pause(PHASE);
            long base = notificationCount();
            Thread starting = Thread.ofPlatform().start(() -> {
                try {
                    cluster.run("start", "worker-1");
                } catch (IllegalStateException expected) {
                    // it is killed before it reports ready
                }
            });
            long pid = waitForPid("worker-1");
            consumedBeforeKill[1] = unconsumedBacklog();
            consumedBeforeKill[0] = waitUntilConsuming(base) - base;
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, mid-batch
            for (int i = 0; i < 100 && cluster.pid("worker-1") == pid; i++) {
                pause(Duration.ofMillis(100));
            }
            System.out.println("DRILL worker-1 (pid " + pid + ") killed -9 after " + consumedBeforeKill[0] + " notifications");
            joinQuietly(starting);
            cluster.run("start", "worker-1");
        });
        List<Traffic.Call> writes = result.writes();
        long delivered = awaitEveryNotification(writes, Duration.ofSeconds(90));
        report("worker-1 killed (-9) mid-batch, started again", result, ("backlog of %d events when the worker restarted, %d notifications"
                + " written before the kill; comment events delivered exactly once: %d of %d; duplicate notifications: %d")
                .formatted(consumedBeforeKill[1], consumedBeforeKill[0], delivered, writes.size(), duplicateNotifications(writes)));
        assertThat(consumedBeforeKill[0]).as("the kill landed mid-batch (backlog %d)", consumedBeforeKill[1])
                .isPositive().isLessThan(consumedBeforeKill[1]);
        assertThat(result.failed()).as("failed requests").isEmpty();
        assertThat(delivered).as("no event lost").isEqualTo(writes.size());
        assertThat(duplicateNotifications(writes)).as("no event applied twice").isZero();
    }

    @Test
    @Order(8)
    void overloadAtTwiceCapacityShedsQuicklyAndRecovers() throws Exception {
        double capacity = traffic.capacity(64, PHASE);
        long rssBefore = maxApiRss();
        Traffic.Result overload = traffic.open(2 * capacity, PHASE, false, true, null);
        long rssDuring = maxApiRss();
        Traffic.Result after = traffic.open(capacity / 2, PHASE, false, true, null);

        long shed = overload.count(c -> c.status() == 503);
        double slowestShedMs = overload.calls().stream().filter(c -> c.status() == 503)
                .mapToLong(Traffic.Call::latencyNanos).max().orElse(0) / 1e6;
        report("overload: 2 x measured capacity (%.0f/s closed-loop, reads)".formatted(capacity), overload,
                "shed with 503: %d (all with Retry-After: %s); API RSS %d -> %d MiB"
                        .formatted(shed, overload.calls().stream().filter(c -> c.status() == 503).allMatch(c -> "1".equals(c.retryAfter())),
                                rssBefore, rssDuring));
        report("after the overload: 0.5 x capacity", after, "");

        assertThat(overload.calls()).as("every answer is a success or a 503 with Retry-After")
                .allMatch(c -> c.ok() || (c.status() == 503 && "1".equals(c.retryAfter())));
        assertThat(shed).as("load was shed (else 2 x capacity did not overload the cluster)").isPositive();
        assertThat(overload.maxMillis()).as("no request held for tens of seconds (ms)").isLessThan(10_000);
        assertThat(rssDuring).as("API memory bounded (MiB)").isLessThan(1536);
        assertThat(after.failed()).as("recovered by itself: failures after the load dropped").isEmpty();
        assertThat(after.p99()).as("recovered: p99 after the load dropped (ms)").isLessThan(P99_BOUND_MS);
    }

    // --- accounting -------------------------------------------------------------------------------------

    private long maxApiRss() {
        long max = 0;
        for (int i = 1; i <= cluster.apiCount(); i++) {
            max = Math.max(max, cluster.rssMib("api-" + i));
        }
        return max;
    }

    private String runningJar(String name) throws IOException {
        return Files.readString(cluster.dir().resolve("pids").resolve(name + ".jar")).strip();
    }

    private int migrationsApplied() throws SQLException {
        try (Connection db = cluster.primary();
             ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** How many comments carry each write's key as their body. */
    private Map<String, Integer> commentsByKey(List<Traffic.Call> writes) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection db = cluster.primary();
             PreparedStatement statement = db.prepareStatement("SELECT body, count(*) FROM comments WHERE body = ANY (?) GROUP BY body")) {
            Array keys = db.createArrayOf("text", writes.stream().map(Traffic.Call::key).toArray());
            statement.setArray(1, keys);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    /** Comments of these writes that have exactly one notification (the worker's effect of comment.added). */
    private long notifiedOnce(List<Traffic.Call> writes) throws SQLException {
        return countOver(writes, """
                SELECT count(*) FROM comments c WHERE c.body = ANY (?)
                   AND (SELECT count(*) FROM notifications n WHERE n.comment_id = c.id) = 1""");
    }

    private long duplicateNotifications(List<Traffic.Call> writes) throws SQLException {
        return countOver(writes, """
                SELECT count(*) FROM comments c WHERE c.body = ANY (?)
                   AND (SELECT count(*) FROM notifications n WHERE n.comment_id = c.id) > 1""");
    }

    private long countOver(List<Traffic.Call> writes, String sql) throws SQLException {
        try (Connection db = cluster.primary(); PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setArray(1, db.createArrayOf("text", writes.stream().map(Traffic.Call::key).toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long awaitEveryNotification(List<Traffic.Call> writes, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long done;
        while ((done = notifiedOnce(writes)) < writes.size() && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(500));
        }
        return done;
    }

    private long unsentOutboxRows() throws SQLException {
        try (Connection db = cluster.primary();
             ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM outbox_events WHERE sent_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long notificationCount() {
        return scalar("SELECT count(*) FROM notifications");
    }

    /** comment.added events relayed or not whose notification does not exist yet. */
    private long unconsumedBacklog() {
        return scalar("""
                SELECT count(*) FROM outbox_events o WHERE o.type = 'comment.added'
                   AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.event_id)""");
    }

    private long scalar(String sql) {
        try (Connection db = cluster.primary(); ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the worker has begun consuming (notifications appearing); returns the count then. */
    private long waitUntilConsuming(long base) {
        try (Connection db = cluster.primary()) {
            // a JVM start takes ~15 s on an idle 2-core machine and several times that on a busy one
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM notifications")) {
                    rs.next();
                    if (rs.getLong(1) > base) {
                        return rs.getLong(1);
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            throw new IllegalStateException("the restarted worker consumed nothing in 180 s");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long waitForPid(String name) {
        for (int i = 0; i < 200; i++) {
            long pid = cluster.pid(name);
            if (pid > 0) {
                return pid;
            }
            pause(Duration.ofMillis(50));
        }
        throw new IllegalStateException(name + " has no PID");
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    private static void report(String drill, Traffic.Result result, String outcome) throws IOException {
        String line = "| %s | %.0f/s for %.1f s | %s%s |%n".formatted(drill, result.offeredRate(), result.seconds(),
                result.summary(), outcome.isEmpty() ? "" : "; " + outcome);
        System.out.print("DRILL " + line);
        Files.writeString(REPORT, line, StandardOpenOption.APPEND);
        // the tail's explanation, for the log only: which calls were slowest, and when, next to what the drill did
        System.out.printf("DRILL   slowest: %s%nDRILL   steps: %s%n", result.slowest(5), cluster.stepsDuring(result));
    }
}
