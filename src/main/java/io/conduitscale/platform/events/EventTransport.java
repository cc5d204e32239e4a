package io.conduitscale.platform.events;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Moves events from the relay (or the view counter) to the consumers: Kafka, SQS or in-process
 * (CONDUIT_EVENTS_TRANSPORT). Nothing above this interface knows which one runs.
 */
public interface EventTransport {

    String name();

    /**
     * Sends the events, keeping the list's order within each aggregate, and waits for the broker.
     * Once an aggregate's event fails, its later events in the list are not sent.
     */
    SendResult send(List<EventEnvelope> events);

    /** Starts delivering received events to the dispatcher (worker roles only). */
    void startConsuming(EventDispatcher dispatcher);

    /**
     * Stops taking new messages, finishes the in-flight ones and returns the rest to the broker.
     * Called on SIGTERM; must return well within the 30 s a spot instance gets.
     */
    void stopConsuming();

    /** Messages waiting for consumers (consumer lag, queue depth), or -1 if this transport cannot tell. */
    default long consumerBacklog() {
        return -1;
    }

    /**
     * Which events the broker acknowledged, and why the others failed. {@code rejected} (a subset of the
     * failed) are those the broker answered and refused for what they are (SQS: invalid contents; Kafka:
     * record too large), as opposed to failures of reach (timeouts, connection refused): only a rejection
     * or a failure beside successes counts against an aggregate, so an outage never parks one.
     */
    record SendResult(Set<UUID> sent, Map<UUID, String> failed, Set<UUID> rejected) {
        public SendResult(Set<UUID> sent, Map<UUID, String> failed) {
            this(sent, failed, Set.of());
        }
    }
}
