package io.conduitscale.platform.events;

import io.conduitscale.platform.db.SqlArrays;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Publishes the outbox to the transport, safely with any number of instances running it.
 * <ol>
 *   <li><b>Claim.</b> Aggregates hash into {@value #BUCKETS} buckets. One auto-committed statement claims
 *       free or expired bucket leases and renews this relay's own; no transaction is open afterwards, so a
 *       broker outage never holds a database connection or lock.</li>
 *   <li><b>Read.</b> The oldest unsent rows of the claimed buckets in {@code seq} order, which is commit order
 *       within an aggregate (see {@link DomainEvents}), skipping parked aggregates and aggregates in back-off.</li>
 *   <li><b>Send</b> and wait for the broker's acknowledgement.</li>
 *   <li><b>Mark</b> the acknowledged prefix of each aggregate as sent. A crash between send and mark
 *       re-sends; consumers deduplicate on the event id. An aggregate counts an attempt when its event failed
 *       while others in the batch went through, or when the broker refused that event outright (see
 *       {@link EventTransport.SendResult#rejected()}); after {@code maxAttempts} it is parked in
 *       {@code outbox_parked} and its later events wait there, visible and counted, while every other aggregate
 *       flows. A batch in which nothing went through and nothing was refused is an outage, not a poison
 *       event: the relay backs off without counting.</li>
 * </ol>
 * Only one relay holds a bucket at a time, so one aggregate's events leave in order. If a relay stalls past
 * its lease, another takes the bucket and may re-send what the first sent but did not mark: a duplicate,
 * which consumers skip, never a reordering of first deliveries.
 */
public class OutboxRelay implements SmartLifecycle {

    public static final int BUCKETS = 64;

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAINTENANCE_INTERVAL = Duration.ofSeconds(30);
    private static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(2);

    private final JdbcClient jdbc;
    private final EventTransport transport;
    private final EventsProperties.Relay settings;
    private final Duration processedRetention;
    private final EventMetrics metrics;
    private final OutboxSignal signal;
    private final String owner = "relay-" + UUID.randomUUID();

    /** Aggregates that failed recently, with when to try them again. */
    private final Map<String, Instant> backoff = new HashMap<>();
    private volatile boolean running;
    private Thread thread;
    private Duration outageBackoff = Duration.ZERO;
    private Instant nextMaintenance = Instant.EPOCH;
    private Instant nextBacklog = Instant.EPOCH;

    OutboxRelay(JdbcClient jdbc, EventTransport transport, EventsProperties settings, EventMetrics metrics, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.transport = transport;
        this.settings = settings.relay();
        this.processedRetention = settings.consumer().processedRetention();
        this.metrics = metrics;
        this.signal = signal;
    }

    private record Row(long seq, UUID eventId, String aggregate, String envelope, int attempts) {}

    /** One claim-read-send-mark round; returns how many rows it read (0 when idle). Public for tests. */
    public int relayOnce() {
        List<Integer> buckets = claimBuckets();
        metrics.relayBuckets(buckets.size());
        if (buckets.isEmpty()) {
            return 0;
        }
        List<Row> rows = jdbc.sql("""
                        SELECT o.seq, o.event_id, o.aggregate, o.envelope::text AS envelope, o.attempts
                        FROM outbox_events o
                        WHERE o.sent_at IS NULL AND o.bucket = ANY(:buckets)
                          AND NOT EXISTS (SELECT 1 FROM outbox_parked p WHERE p.aggregate = o.aggregate)
                        ORDER BY o.seq
                        LIMIT :limit
                        """)
                .param("buckets", SqlArrays.bigints(buckets.stream().map(Integer::longValue).toList()))
                .param("limit", settings.batchSize())
                .query((rs, n) -> new Row(rs.getLong("seq"), rs.getObject("event_id", UUID.class),
                        rs.getString("aggregate"), rs.getString("envelope"), rs.getInt("attempts")))
                .list();
        Instant now = Instant.now();
        backoff.values().removeIf(until -> until.isBefore(now));
        List<Row> due = rows.stream().filter(row -> !backoff.containsKey(row.aggregate())).toList();
        if (due.isEmpty()) {
            return rows.size();
        }
        EventTransport.SendResult result;
        try {
            result = transport.send(due.stream().map(row -> EventEnvelope.fromJson(row.envelope())).toList());
        } catch (RuntimeException e) {
            result = new EventTransport.SendResult(Set.of(), Map.of(due.getFirst().eventId(), String.valueOf(e)));
        }
        settle(due, result);
        return rows.size();
    }

    /** Marks each aggregate's acknowledged prefix sent; counts, backs off and parks the failures. */
    private void settle(List<Row> due, EventTransport.SendResult result) {
        List<Long> sent = new ArrayList<>();
        Map<String, Row> firstUnsent = new LinkedHashMap<>();
        for (Row row : due) {
            if (!firstUnsent.containsKey(row.aggregate()) && result.sent().contains(row.eventId())) {
                sent.add(row.seq());
            } else {
                firstUnsent.putIfAbsent(row.aggregate(), row);
            }
        }
        if (!sent.isEmpty()) {
            jdbc.sql("UPDATE outbox_events SET sent_at = now() WHERE seq = ANY(:seqs) AND sent_at IS NULL")
                    .param("seqs", SqlArrays.bigints(sent))
                    .update();
            metrics.produced(transport.name(), sent.size());
        }
        Set<String> failedAggregates = new HashSet<>();
        boolean anyRejected = false;
        for (Row row : firstUnsent.values()) {
            if (result.failed().containsKey(row.eventId())) {
                failedAggregates.add(row.aggregate());
                anyRejected |= result.rejected().contains(row.eventId());
            }
        }
        if (failedAggregates.isEmpty() && sent.size() == due.size()) {
            outageBackoff = Duration.ZERO;
            return;
        }
        metrics.publishFailed(transport.name(), due.size() - sent.size());
        if (sent.isEmpty() && !anyRejected) {
            // nothing went through: the broker is down or unreachable, which is no aggregate's fault
            outageBackoff = outageBackoff.isZero() ? Duration.ofMillis(250)
                    : min(outageBackoff.multipliedBy(2), Duration.ofSeconds(5));
            log.warn("outbox relay: {} events not published ({}); retrying in {} ms", due.size(),
                    result.failed().values().stream().findFirst().orElse("no acknowledgement"), outageBackoff.toMillis());
            return;
        }
        outageBackoff = Duration.ZERO;
        for (String aggregate : failedAggregates) {
            Row row = firstUnsent.get(aggregate);
            if (sent.isEmpty() && !result.rejected().contains(row.eventId())) {
                continue; // failed beside a rejection, not beside a success: no evidence against this aggregate
            }
            String error = result.failed().get(row.eventId());
            int attempts = row.attempts() + 1;
            jdbc.sql("UPDATE outbox_events SET attempts = :attempts, last_error = :error WHERE seq = :seq")
                    .param("attempts", attempts).param("error", truncate(error)).param("seq", row.seq())
                    .update();
            if (attempts >= settings.maxAttempts()) {
                jdbc.sql("""
                                INSERT INTO outbox_parked (aggregate, event_id, reason) VALUES (:aggregate, :id, :reason)
                                ON CONFLICT (aggregate) DO NOTHING
                                """)
                        .param("aggregate", aggregate).param("id", row.eventId()).param("reason", truncate(error))
                        .update();
                log.error("outbox relay: parked {} after {} failed publishes of event {}: {}", aggregate, attempts,
                        row.eventId(), error);
            } else {
                long delay = Math.min(5_000, 100L << Math.min(attempts, 6));
                backoff.put(aggregate, Instant.now().plusMillis(delay));
            }
        }
    }

    /** Claims free or expired buckets and renews our own (when half their lease is gone), in one statement. */
    private List<Integer> claimBuckets() {
        double lease = settings.lease().toMillis() / 1000.0;
        return jdbc.sql("""
                        WITH claimed AS (
                            UPDATE outbox_leases SET owner = :owner, lease_until = now() + make_interval(secs => :lease)
                            WHERE bucket IN (SELECT bucket FROM outbox_leases
                                             WHERE lease_until < now()
                                                OR (owner = :owner AND lease_until < now() + make_interval(secs => :lease / 2))
                                             FOR UPDATE SKIP LOCKED)
                            RETURNING bucket)
                        SELECT bucket FROM claimed
                        UNION
                        SELECT bucket FROM outbox_leases WHERE owner = :owner AND lease_until > now() + interval '1 second'
                        """)
                .param("owner", owner).param("lease", lease)
                .query(Integer.class)
                .list();
    }

    /** Deletes sent rows past retention and processed-event records past theirs, a bounded batch at a time. */
    void maintain() {
        int deleted = jdbc.sql("""
                        DELETE FROM outbox_events WHERE seq IN (
                            SELECT seq FROM outbox_events
                            WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => :retention)
                            LIMIT 10000)
                        """)
                .param("retention", (double) settings.retention().toSeconds())
                .update();
        int forgotten = jdbc.sql("""
                        DELETE FROM processed_events WHERE (consumer, event_id) IN (
                            SELECT consumer, event_id FROM processed_events
                            WHERE processed_at < now() - make_interval(secs => :retention)
                            LIMIT 10000)
                        """)
                .param("retention", (double) processedRetention.toSeconds())
                .update();
        if (deleted + forgotten > 0) {
            log.info("outbox maintenance: deleted {} sent events and {} processed-event records past retention", deleted, forgotten);
        }
    }

    private void refreshBacklog() {
        long unsent = jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM outbox_events WHERE sent_at IS NULL LIMIT 1000000) AS unsent")
                .query(Long.class).single();
        long parked = jdbc.sql("SELECT count(*) FROM outbox_parked").query(Long.class).single();
        metrics.outboxBacklog(unsent, parked);
        metrics.consumerBacklog(transport.consumerBacklog());
    }

    private void loop() {
        while (running) {
            try {
                Instant now = Instant.now();
                if (now.isAfter(nextBacklog)) {
                    nextBacklog = now.plus(BACKLOG_INTERVAL);
                    refreshBacklog();
                }
                if (now.isAfter(nextMaintenance)) {
                    nextMaintenance = now.plus(MAINTENANCE_INTERVAL);
                    maintain();
                }
                int read = relayOnce();
                if (!outageBackoff.isZero()) {
                    Thread.sleep(outageBackoff);
                } else if (read < settings.batchSize()) {
                    signal.await(settings.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // e.g. the database is unreachable for a moment; keep the relay alive
                log.warn("outbox relay: round failed, retrying: {}", e.toString());
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    @Override
    public synchronized void start() {
        if (running || !settings.enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::loop);
    }

    /** Finishes the batch in flight (bounded by the transport's send timeout), then returns. */
    @Override
    public synchronized void stop() {
        running = false;
        signal.wake();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        // let another instance take our buckets at once instead of after the lease
        try {
            jdbc.sql("UPDATE outbox_leases SET owner = NULL, lease_until = '-infinity' WHERE owner = :owner")
                    .param("owner", owner).update();
            metrics.relayBuckets(0);
        } catch (RuntimeException e) {
            log.debug("could not release bucket leases: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server's drain (higher phases stop first) and before the pool closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
