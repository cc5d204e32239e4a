package io.conduitscale.platform.events;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands a received event to every interested {@link EventHandler}, each in its own transaction that
 * also records (consumer, event id) in {@code processed_events}. A redelivered event finds its record
 * and is skipped, so effects in the database happen exactly once however often a broker redelivers.
 * Two concurrent deliveries of one event serialise on the record's primary key.
 */
@Component
public class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final ObjectProvider<EventHandler> handlers;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EventMetrics metrics;

    EventDispatcher(ObjectProvider<EventHandler> handlers, JdbcClient jdbc, TransactionTemplate transactions,
                    EventMetrics metrics) {
        this.handlers = handlers;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.metrics = metrics;
    }

    /** Runs the event's handlers; throws if one fails, so the transport retries (handlers already done are skipped then). */
    public void dispatch(EventEnvelope event, String transport) {
        List<EventHandler> interested = handlers.orderedStream().filter(h -> h.accepts(event.type())).toList();
        boolean anyProcessed = interested.isEmpty();
        for (EventHandler handler : interested) {
            Boolean processed = transactions.execute(status -> {
                int recorded = jdbc.sql("""
                                INSERT INTO processed_events (consumer, event_id) VALUES (:consumer, :id)
                                ON CONFLICT DO NOTHING
                                """)
                        .param("consumer", handler.consumer()).param("id", event.id())
                        .update();
                if (recorded == 0) {
                    return false;
                }
                handler.handle(event);
                return true;
            });
            if (Boolean.TRUE.equals(processed)) {
                metrics.effect(event.occurredAt());
                anyProcessed = true;
            } else {
                log.debug("event {} already processed by {}", event.id(), handler.consumer());
            }
        }
        metrics.consumed(transport, anyProcessed ? "processed" : "duplicate");
    }
}
