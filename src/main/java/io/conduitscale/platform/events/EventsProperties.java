package io.conduitscale.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Domain events ({@code CONDUIT_EVENTS_*}, docs/events.md and docs/configuration.md).
 *
 * @param transport {@code inprocess} (default), {@code kafka} or {@code sqs}
 * @param relay     the outbox relay
 * @param consumer  retries, dead-lettering and idempotency records of the consumers
 * @param views     the in-memory article view counter
 */
@ConfigurationProperties("conduit.events")
public record EventsProperties(
        @DefaultValue("inprocess") String transport,
        @DefaultValue Relay relay,
        @DefaultValue Consumer consumer,
        @DefaultValue Views views) {

    /**
     * @param enabled      whether this process relays the outbox (every role that serves or works does, by default)
     * @param pollInterval pause between scans when the outbox is empty (a commit in this instance wakes it at once)
     * @param batchSize    rows published per scan
     * @param lease        how long a bucket claim lasts; a dead relay's buckets move to another after this
     * @param maxAttempts  failed publishes of one aggregate's event before the aggregate is parked
     * @param retention    how long sent rows stay in the outbox (for audit and replay) before deletion
     */
    public record Relay(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("200ms") Duration pollInterval,
            @DefaultValue("500") int batchSize,
            @DefaultValue("15s") Duration lease,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("24h") Duration retention) {}

    /**
     * @param maxAttempts        deliveries of one event to a failing consumer before it is dead-lettered
     * @param backoffInitial     first retry delay; doubles per attempt
     * @param backoffMax         longest retry delay
     * @param concurrency        consumer threads (Kafka: listener threads; SQS: pollers)
     * @param processedRetention how long processed event ids are kept; longer than any broker redelivery window
     */
    public record Consumer(
            @DefaultValue("5") int maxAttempts,
            @DefaultValue("200ms") Duration backoffInitial,
            @DefaultValue("5s") Duration backoffMax,
            @DefaultValue("2") int concurrency,
            @DefaultValue("15d") Duration processedRetention) {}

    /**
     * @param flushInterval     how often buffered views are sent as one event per article
     * @param maxPendingArticles distinct articles buffered at most; views of others are dropped (and counted) beyond it
     */
    public record Views(
            @DefaultValue("1s") Duration flushInterval,
            @DefaultValue("100000") int maxPendingArticles) {}
}
