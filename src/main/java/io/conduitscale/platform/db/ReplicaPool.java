package io.conduitscale.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read replica: its connection pool, and what is known of it — whether it is in rotation, the
 * highest WAL position it was seen to have replayed, and its lag. The monitor and the router update it.
 */
final class ReplicaPool {

    private static final Logger log = LoggerFactory.getLogger(ReplicaPool.class);

    private final String name;
    private final HikariDataSource pool;
    private final DataSource counted;
    private final AtomicLong replayed = new AtomicLong(WalPosition.NONE);
    private volatile boolean inRotation;
    private volatile double lagSeconds = Double.NaN;
    private volatile String outOfRotationReason = "not checked yet";

    private final int timeoutMillis;
    /** Connections handed out for reads and not yet handed back: what {@link #abortReadsInFlight} aborts. */
    private final Set<Connection> readsInFlight = ConcurrentHashMap.newKeySet();
    private final Counter abortedReads;

    ReplicaPool(String name, HikariDataSource pool, DataSource counted, Duration timeout, MeterRegistry registry) {
        this.name = name;
        this.pool = pool;
        this.counted = counted;
        this.timeoutMillis = (int) timeout.toMillis();
        this.abortedReads = Counter.builder("conduit.db.replica.reads.aborted")
                .description("reads in flight aborted because their replica stopped answering (each retried on the primary)")
                .tag("pool", name)
                .register(registry);
    }

    String name() {
        return name;
    }

    HikariDataSource pool() {
        return pool;
    }

    /**
     * A connection whose statements are counted under this pool's name, and on which any wait for the
     * replica's answer ends after the replica timeout. The driver's {@code socketTimeout} should do that
     * already, but a pooled connection's timeout can be reset on its way back to the pool (seen with a
     * frozen replica: a read waited forever), so it is set on every checkout; it costs no round trip.
     */
    Connection connection() throws SQLException {
        return inFlight(withTimeout(counted.getConnection()));
    }

    /**
     * Aborts every read in flight on this replica: the driver closes their sockets, so a read blocked on a
     * frozen server fails at once (SQL state 08006) and is retried on the primary instead of waiting out the
     * replica timeout. Called when the replica stops answering health checks.
     */
    void abortReadsInFlight() {
        int aborted = 0;
        for (Connection connection : readsInFlight) {
            try {
                connection.abort(Runnable::run);
                aborted++;
            } catch (SQLException | RuntimeException alreadyGone) {
                // closed meanwhile: nothing to abort
            }
            readsInFlight.remove(connection);
        }
        if (aborted > 0) {
            abortedReads.increment(aborted);
            log.warn("replica {}: aborted {} read(s) in flight; they are retried on the primary", name, aborted);
        }
    }

    /** The connection, remembered as in flight until it is closed (handed back to the pool). */
    private Connection inFlight(Connection connection) {
        readsInFlight.add(connection);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "equals" -> { return proxy == args[0]; }
                        case "hashCode" -> { return System.identityHashCode(proxy); }
                        case "close" -> readsInFlight.remove(connection);
                        default -> { }
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException failed) {
                        throw failed.getCause();
                    }
                });
    }

    /** A connection for health checks: not counted, with the same bounded wait. */
    Connection uncountedConnection() throws SQLException {
        return withTimeout(pool.getConnection());
    }

    private Connection withTimeout(Connection connection) throws SQLException {
        try {
            connection.setNetworkTimeout(Runnable::run, timeoutMillis);
            return connection;
        } catch (SQLException | RuntimeException failed) {
            connection.close();
            throw failed;
        }
    }

    boolean inRotation() {
        return inRotation;
    }

    long replayed() {
        return replayed.get();
    }

    double lagSeconds() {
        return lagSeconds;
    }

    String outOfRotationReason() {
        return outOfRotationReason;
    }

    void observedReplay(long position) {
        replayed.accumulateAndGet(position, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    void observedLag(double seconds) {
        this.lagSeconds = seconds;
    }

    void putInRotation() {
        if (!inRotation) {
            log.info("replica {} is in rotation (lag {} s)", name, lagSeconds);
        }
        inRotation = true;
        outOfRotationReason = null;
    }

    void takeOutOfRotation(String reason) {
        if (inRotation) {
            log.warn("replica {} leaves rotation: {}", name, reason);
        }
        inRotation = false;
        outOfRotationReason = reason;
    }

    /** The replica's replay position, read on a connection of its pool without counting the statement. */
    static long replayPosition(Connection connection) throws SQLException {
        // the driver's own connection, under the counting and pooling proxies: a routing check is not an application statement
        Connection raw = connection.unwrap(Connection.class);
        try (Statement statement = raw.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
            rs.next();
            return WalPosition.parse(rs.getString(1));
        }
    }
}
