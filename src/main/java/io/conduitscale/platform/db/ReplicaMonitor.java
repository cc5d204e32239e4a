package io.conduitscale.platform.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Measures every replica's reachability, replay position and lag every {@code CONDUIT_DB_REPLICA_CHECK_INTERVAL},
 * and puts it in or takes it out of rotation: out when it does not answer within
 * {@code CONDUIT_DB_REPLICA_CHECK_TIMEOUT} (stopped, frozen, partitioned), when it is not a standby, or when it
 * lags more than {@code CONDUIT_DB_REPLICA_MAX_LAG} twice in a row; back in at the first healthy check.
 * <p>
 * A replica that hangs or cannot be reached also has its reads in flight aborted: each would otherwise wait
 * out {@code CONDUIT_DB_REPLICA_TIMEOUT} (a real read's bound, so longer than a check's) before its retry on
 * the primary. Aborted, they are retried at once ({@link ReplicaFailover}). A frozen replica shows either way:
 * as a check that does not return, or as a check that gets no connection (the pool's check of an idle one
 * hangs, and its connection timeout is shorter than the check timeout).
 * <p>
 * Lag is the time since the last replayed commit, counted only while WAL has been received but not yet
 * replayed: an idle primary sends nothing, and its replicas are not behind. A single lagging reading
 * right after a long idle spell is therefore tolerated once.
 * <p>
 * Each round also re-seeds the shared commit-position marker if it was lost (a Redis restart).
 */
final class ReplicaMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplicaMonitor.class);

    private static final String CHECK = """
            SELECT pg_is_in_recovery(),
                   pg_last_wal_replay_lsn()::text,
                   CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()
                        THEN 0
                        ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
                   END""";

    private final List<ReplicaPool> replicas;
    private final DataSource primary;
    private final CommitPositions positions;
    private final Duration interval;
    private final Duration timeout;
    private final double maxLagSeconds;
    private final Map<ReplicaPool, Future<?>> running = new HashMap<>();
    private final Map<ReplicaPool, Integer> laggingChecks = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService checks;
    private volatile boolean started;

    ReplicaMonitor(List<ReplicaPool> replicas, DataSource primary, CommitPositions positions, Duration interval,
                   Duration timeout, Duration maxLag, MeterRegistry registry) {
        this.replicas = replicas;
        this.primary = primary;
        this.positions = positions;
        this.interval = interval;
        this.timeout = timeout;
        this.maxLagSeconds = maxLag.toNanos() / 1e9;
        for (ReplicaPool replica : replicas) {
            Gauge.builder("conduit.db.replica.lag", replica, ReplicaPool::lagSeconds).baseUnit("seconds")
                    .description("time since the replica's last replayed commit, while it has WAL left to replay")
                    .tag("pool", replica.name()).register(registry);
            Gauge.builder("conduit.db.replica.in.rotation", replica, r -> r.inRotation() ? 1 : 0)
                    .description("1 while the replica serves reads, 0 while it is out of rotation")
                    .tag("pool", replica.name()).register(registry);
        }
    }

    /** One round: every replica checked in parallel, each bounded by the timeout. */
    void checkAll() {
        seedPositionMarker();
        for (ReplicaPool replica : replicas) {
            Future<?> previous = running.get(replica);
            if (previous != null && !previous.isDone()) {
                // still waiting on the last check: the replica hangs
                unresponsive(replica, "health check still unanswered after " + timeout.toMillis() + " ms");
                continue;
            }
            running.put(replica, checks.submit(() -> check(replica)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ReplicaPool replica : replicas) {
            Future<?> check = running.get(replica);
            try {
                check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException hung) {
                unresponsive(replica, "health check unanswered after " + timeout.toMillis() + " ms");
            } catch (Exception failed) {
                replica.takeOutOfRotation("health check failed: " + failed.getMessage());
            }
        }
    }

    private static void unresponsive(ReplicaPool replica, String reason) {
        replica.takeOutOfRotation(reason);
        replica.abortReadsInFlight();
    }

    private void check(ReplicaPool replica) {
        try (Connection connection = replica.uncountedConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(CHECK)) {
            rs.next();
            if (!rs.getBoolean(1)) {
                replica.takeOutOfRotation("not a standby (pg_is_in_recovery() is false)");
                return;
            }
            if (rs.getString(2) == null) {
                // an Aurora reader, say: its progress cannot be compared with a commit position
                replica.takeOutOfRotation("no WAL replay position (not a streaming replica)");
                return;
            }
            replica.observedReplay(WalPosition.parse(rs.getString(2)));
            double lag = rs.getDouble(3);
            replica.observedLag(lag);
            if (lag > maxLagSeconds) {
                int times = laggingChecks.merge(replica, 1, Integer::sum);
                if (times >= 2) {
                    replica.takeOutOfRotation("lagging %.3f s, more than %.3f s".formatted(lag, maxLagSeconds));
                }
                return;
            }
            laggingChecks.remove(replica);
            replica.putInRotation();
        } catch (SQLException | RuntimeException failed) {
            if (ReplicaFailover.isConnectionFailure(failed)) {
                unresponsive(replica, "health check got no answer: " + failed.getMessage());
            } else {
                replica.takeOutOfRotation("health check failed: " + failed.getMessage());
            }
        }
    }

    private void seedPositionMarker() {
        if (positions instanceof InProcessCommitPositions) {
            return; // cannot be lost
        }
        try (Connection connection = primary.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            positions.seedIfAbsent(WalPosition.parse(rs.getString(1)));
        } catch (SQLException | RuntimeException primaryUnavailable) {
            log.debug("could not read the primary's WAL position: {}", primaryUnavailable.getMessage());
        }
    }

    @Override
    public void start() {
        checks = Executors.newVirtualThreadPerTaskExecutor();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("replica-monitor").daemon().factory());
        // the first round before serving traffic, so a healthy replica is used from the first request
        checkAll();
        scheduler.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        started = true;
    }

    private void checkSafely() {
        try {
            checkAll();
        } catch (RuntimeException unexpected) {
            log.warn("replica check round failed", unexpected);
        }
    }

    @Override
    public void stop() {
        started = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
            checks.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }
}
