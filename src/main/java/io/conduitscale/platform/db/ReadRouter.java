package io.conduitscale.platform.db;

import io.conduitscale.platform.db.DatabaseProperties.ReadConsistency;
import io.conduitscale.platform.security.CurrentUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The data source of read-only transactions (LazyConnectionDataSourceProxy's read-only data source):
 * hands out a connection to a replica that has replayed every write the read must see, or else one to
 * the primary. A transaction takes its connection at its first statement, so a read served from the cache
 * never gets here.
 * <p>
 * The position a read must see comes from {@link CommitPositions}: the latest acknowledged commit of any
 * instance ({@code strong}), or the reader's own latest write and the position the client sent back in
 * the {@value #POSITION_HEADER} header ({@code session}); when that is unknown (Redis down), from the
 * primary's current position ({@link PrimaryPositionSampler}). A replica already seen past that position is
 * used at once, round robin; otherwise the most advanced one is asked for its replay position until it
 * gets there or {@code CONDUIT_DB_REPLICA_WAIT} runs out, and then the primary serves the read.
 */
final class ReadRouter extends AbstractDataSource {

    /** Response header carrying a write's commit position; clients may send it back (session consistency). */
    static final String POSITION_HEADER = "Conduit-Position";

    private final DataSource primary;
    private final List<ReplicaPool> replicas;
    private final CommitPositions positions;
    private final PrimaryPositionSampler primaryPosition;
    private final ReadConsistency consistency;
    private final long waitNanos;
    private final AtomicInteger nextReplica = new AtomicInteger();
    private final MeterRegistry registry;
    private final Map<String, Counter> reads = new ConcurrentHashMap<>();

    ReadRouter(DataSource primary, List<ReplicaPool> replicas, CommitPositions positions, ReadConsistency consistency,
               Duration wait, MeterRegistry registry) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.positions = positions;
        this.primaryPosition = new PrimaryPositionSampler(primary, registry);
        this.consistency = consistency;
        this.waitNanos = wait.toNanos();
        this.registry = registry;
        for (ReplicaPool replica : replicas) {
            count(replica.name(), "caught-up", 0);
        }
        for (String reason : List.of("no-replica", "behind", "position-unknown", "replica-failed", "retry")) {
            count(DataSourceConfig.PRIMARY_POOL, reason, 0);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (ReadScope.primaryOnly()) {
            return primary("retry");
        }
        List<ReplicaPool> candidates = replicas.stream().filter(ReplicaPool::inRotation).toList();
        if (candidates.isEmpty()) {
            return primary("no-replica");
        }
        OptionalLong required = requiredPosition();
        if (required.isEmpty()) {
            // the shared position is unknown (Redis down): the primary's current one covers every write
            // acknowledged before this read, at the price of one shared round trip (PrimaryPositionSampler)
            required = primaryPosition.sinceNow();
            if (required.isEmpty()) {
                return primary("position-unknown");
            }
        }
        long position = required.getAsLong();
        int start = Math.floorMod(nextReplica.getAndIncrement(), candidates.size());
        boolean failed = false;
        for (int i = 0; i < candidates.size(); i++) {
            ReplicaPool replica = candidates.get((start + i) % candidates.size());
            if (WalPosition.reached(replica.replayed(), position)) {
                Connection connection = connect(replica);
                if (connection != null) {
                    return served(replica, connection);
                }
                failed = true;
            }
        }
        ReplicaPool mostAdvanced = candidates.stream().filter(ReplicaPool::inRotation)
                .max((a, b) -> Long.compareUnsigned(a.replayed(), b.replayed())).orElse(null);
        if (waitNanos > 0 && mostAdvanced != null) {
            Connection connection = connect(mostAdvanced);
            if (connection != null && awaitReplay(mostAdvanced, connection, position)) {
                return served(mostAdvanced, connection);
            }
            closeQuietly(connection);
            failed |= !mostAdvanced.inRotation();
        }
        return primary(failed ? "replica-failed" : "behind");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the read router uses the pools' own credentials");
    }

    /** The position the read must see; empty if it cannot be known (then only the primary will do). */
    private OptionalLong requiredPosition() {
        if (consistency == ReadConsistency.STRONG || ReadScope.inSharedResult()) {
            return positions.latest();
        }
        long required = clientPosition();
        OptionalLong own = CurrentUser.id().map(positions::latestOf).orElse(OptionalLong.of(WalPosition.NONE));
        if (own.isEmpty()) {
            return own;
        }
        return OptionalLong.of(Long.compareUnsigned(required, own.getAsLong()) >= 0 ? required : own.getAsLong());
    }

    /** The {@value #POSITION_HEADER} request header; a malformed value is ignored (it is only a hint). */
    private static long clientPosition() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            try {
                return WalPosition.parse(attributes.getRequest().getHeader(POSITION_HEADER));
            } catch (IllegalArgumentException malformed) {
                return WalPosition.NONE;
            }
        }
        return WalPosition.NONE;
    }

    private boolean awaitReplay(ReplicaPool replica, Connection connection, long required) {
        long deadline = System.nanoTime() + waitNanos;
        try {
            while (true) {
                long replayed = ReplicaPool.replayPosition(connection);
                replica.observedReplay(replayed);
                if (WalPosition.reached(replayed, required)) {
                    return true;
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(Duration.ofMillis(1));
            }
        } catch (SQLException failed) {
            // the driver closed the broken connection; the pool discards it when it is handed back
            replica.takeOutOfRotation("replay position check failed: " + failed.getMessage());
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException alreadyBroken) {
            // nothing to hand back: the pool has marked it broken
        }
    }

    private Connection connect(ReplicaPool replica) {
        try {
            return replica.connection();
        } catch (SQLException unreachable) {
            replica.takeOutOfRotation("no connection: " + unreachable.getMessage());
            return null;
        }
    }

    private Connection served(ReplicaPool replica, Connection connection) {
        ReadScope.replicaUsed(replica);
        count(replica.name(), "caught-up", 1);
        return connection;
    }

    private Connection primary(String reason) throws SQLException {
        count(DataSourceConfig.PRIMARY_POOL, reason, 1);
        return primary.getConnection();
    }

    private void count(String pool, String reason, int amount) {
        reads.computeIfAbsent(pool + "/" + reason, key -> Counter.builder("conduit.db.reads")
                        .description("read-only transactions, by the pool that served them and why")
                        .tag("pool", pool)
                        .tag("reason", reason)
                        .register(registry))
                .increment(amount);
    }
}
