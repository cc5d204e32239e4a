package io.conduitscale.platform.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;

/**
 * The primary's current WAL position, for reads that cannot learn from {@link CommitPositions} which
 * position they must see (Redis down, or the marker lost). Every write acknowledged before a read began
 * committed at or below the primary's insert position read after the read began, so a replica that has
 * replayed that position may serve the read: the guarantee of the shared marker, for the price of one
 * short primary round trip instead of the whole read on the primary. Without this, a Redis outage would
 * send every read to the primary just when the cache is gone too.
 * <p>
 * Concurrent reads share round trips: a read joins the sample in flight only if that sample started after
 * the read arrived (an older one may predate a write the read must see); otherwise it waits for it to end
 * and takes the next. At most one sample runs at a time, so under load this costs the primary one
 * statement per round trip time, not one per read.
 */
final class PrimaryPositionSampler {

    private record Sample(long startedNanos, CompletableFuture<Long> position) {}

    private final DataSource primary;
    private final Counter samples;
    private Sample current;

    PrimaryPositionSampler(DataSource primary, MeterRegistry registry) {
        this.primary = primary;
        this.samples = Counter.builder("conduit.db.position.samples")
                .description("primary WAL positions read for replica reads while the shared commit position was unknown")
                .register(registry);
    }

    /** The primary's position, read after this call began; empty if the primary could not be asked. */
    OptionalLong sinceNow() {
        long arrived = System.nanoTime();
        while (true) {
            Sample sample;
            boolean mine = false;
            synchronized (this) {
                sample = current;
                if (sample == null || (sample.startedNanos() < arrived && sample.position().isDone())) {
                    sample = new Sample(System.nanoTime(), new CompletableFuture<>());
                    current = sample;
                    mine = true;
                }
            }
            if (mine) {
                complete(sample);
            }
            if (sample.startedNanos() >= arrived) {
                try {
                    return OptionalLong.of(sample.position().join());
                } catch (CompletionException failed) {
                    return OptionalLong.empty();
                }
            }
            // started before this read arrived: wait for it to end, then take (or start) the next one
            sample.position().exceptionally(failed -> 0L).join();
        }
    }

    private void complete(Sample sample) {
        samples.increment();
        try (Connection connection = primary.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            sample.position().complete(WalPosition.parse(rs.getString(1)));
        } catch (SQLException | RuntimeException failed) {
            sample.position().completeExceptionally(failed);
        }
    }
}
