package io.conduitscale.platform.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded default: the relay hands each event straight to this process's consumers. The outbox is
 * the durable queue: a row is marked sent only after its consumers committed, so a crash re-delivers
 * (and the consumers' idempotency records skip what was done). A consumer failure is retried with
 * back-off, then the event is written to {@code event_dead_letters}, the dead-letter destination here.
 * Without a consumer in this process (CONDUIT_ROLE=api) nothing is sent and events wait in the outbox.
 */
class InProcessTransport implements EventTransport {

    private static final Logger log = LoggerFactory.getLogger(InProcessTransport.class);

    private final JdbcClient jdbc;
    private final EventsProperties.Consumer retry;
    private final EventMetrics metrics;
    private volatile EventDispatcher dispatcher;

    InProcessTransport(JdbcClient jdbc, EventsProperties.Consumer retry, EventMetrics metrics) {
        this.jdbc = jdbc;
        this.retry = retry;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "inprocess";
    }

    @Override
    public SendResult send(List<EventEnvelope> events) {
        EventDispatcher target = dispatcher;
        Set<UUID> sent = new HashSet<>();
        Map<UUID, String> failed = new HashMap<>();
        if (target == null) {
            events.forEach(event -> failed.put(event.id(), "no in-process consumer (CONDUIT_ROLE=api)"));
            return new SendResult(sent, failed);
        }
        for (EventEnvelope event : events) {
            deliver(target, event);
            sent.add(event.id());
        }
        return new SendResult(sent, failed);
    }

    private void deliver(EventDispatcher target, EventEnvelope event) {
        Duration delay = retry.backoffInitial();
        for (int attempt = 1; ; attempt++) {
            try {
                target.dispatch(event, name());
                return;
            } catch (RuntimeException e) {
                if (attempt >= retry.maxAttempts()) {
                    deadLetter(event, e);
                    return;
                }
                log.warn("event {} ({}) failed attempt {}: {}", event.id(), event.type(), attempt, e.toString());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while retrying event " + event.id(), interrupted);
                }
                delay = delay.multipliedBy(2).compareTo(retry.backoffMax()) > 0 ? retry.backoffMax() : delay.multipliedBy(2);
            }
        }
    }

    private void deadLetter(EventEnvelope event, RuntimeException error) {
        log.error("event {} ({}) dead-lettered after {} attempts: {}", event.id(), event.type(), retry.maxAttempts(), error.toString());
        jdbc.sql("""
                        INSERT INTO event_dead_letters (event_id, type, aggregate, envelope, error)
                        VALUES (:id, :type, :aggregate, :envelope::jsonb, :error)
                        """)
                .param("id", event.id()).param("type", event.type()).param("aggregate", event.aggregate())
                .param("envelope", event.toJson()).param("error", String.valueOf(error))
                .update();
        metrics.deadLettered(name());
    }

    @Override
    public void startConsuming(EventDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void stopConsuming() {
        this.dispatcher = null;
    }
}
