package io.conduitscale.platform.events;

import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Feature modules record domain events here, inside the transaction of the change (the transactional
 * outbox): the event exists exactly when the change committed, and nothing talks to a broker on the
 * request path. {@link OutboxRelay} publishes the rows afterwards.
 */
@Component
public class DomainEvents {

    private final JdbcClient jdbc;
    private final OutboxSignal signal;

    DomainEvents(JdbcClient jdbc, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    /**
     * Appends an event about {@code <aggregateKind>:<aggregateId>}; {@code data} holds ids, not personal data.
     * Requires the caller's transaction, so the event commits or rolls back with the change.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID append(String type, String aggregateKind, long aggregateId, Map<String, ?> data) {
        EventEnvelope event = EventEnvelope.create(type, aggregateKind, aggregateId, data);
        String aggregate = event.aggregate();
        // The advisory lock (held to commit) serialises the aggregate's appending transactions, and the
        // identity value is drawn after the lock is granted (the FROM runs first): so within one aggregate,
        // seq order is commit order and a relay never sees a later event committed before an earlier one.
        jdbc.sql("""
                        INSERT INTO outbox_events (event_id, aggregate, bucket, type, envelope)
                        SELECT :id, :aggregate, :bucket, :type, :envelope::jsonb
                        FROM (SELECT pg_advisory_xact_lock(1868, hashtext(:aggregate))) AS aggregate_lock
                        """)
                .param("id", event.id()).param("aggregate", aggregate)
                .param("bucket", EventEnvelope.bucketOf(aggregate)).param("type", type)
                .param("envelope", event.toJson())
                .update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        }
        return event.id();
    }
}
