package io.conduitscale.platform.events;

/**
 * A consumer of domain events, implemented in a feature module. {@link EventDispatcher} calls
 * {@link #handle} inside a transaction that also records the event id for {@link #consumer()}, so a
 * redelivered event is skipped and the handler's database effects happen exactly once. A handler
 * throws to ask for a retry; after the configured attempts the event goes to the dead-letter destination.
 */
public interface EventHandler {

    /** Stable name, the key of its processed-event records; renaming it reprocesses redelivered events. */
    String consumer();

    boolean accepts(String type);

    void handle(EventEnvelope event);
}
