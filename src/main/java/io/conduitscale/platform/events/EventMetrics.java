package io.conduitscale.platform.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Event metrics on /actuator/prometheus. {@code conduit_events_outbox_backlog} and
 * {@code conduit_events_consumer_backlog} are the signals the worker fleet autoscales on.
 */
@Component
public class EventMetrics {

    private final MeterRegistry registry;
    private final AtomicLong outboxBacklog = new AtomicLong();
    private final AtomicLong parkedAggregates = new AtomicLong();
    private final AtomicLong consumerBacklog = new AtomicLong(-1);
    private final AtomicLong relayBuckets = new AtomicLong();
    private final Timer commitToEffect;

    EventMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("conduit.events.outbox.backlog", outboxBacklog, AtomicLong::get)
                .description("outbox rows not yet sent to the transport").register(registry);
        Gauge.builder("conduit.events.outbox.parked", parkedAggregates, AtomicLong::get)
                .description("aggregates parked after repeated publish failures").register(registry);
        Gauge.builder("conduit.events.consumer.backlog", consumerBacklog, AtomicLong::get)
                .description("messages waiting for workers (Kafka lag, SQS queue depth); -1 if unknown").register(registry);
        Gauge.builder("conduit.events.relay.buckets", relayBuckets, AtomicLong::get)
                .description("outbox buckets this instance's relay holds the lease of (0: standing by)").register(registry);
        commitToEffect = Timer.builder("conduit.events.commit.to.effect")
                .description("from an event's occurrence to its consumer effect's commit")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void produced(String transport, int count) {
        registry.counter("conduit.events.produced", "transport", transport).increment(count);
    }

    void publishFailed(String transport, int count) {
        registry.counter("conduit.events.publish.failures", "transport", transport).increment(count);
    }

    /** outcome: processed (effects committed) or duplicate (already processed, skipped). */
    void consumed(String transport, String outcome) {
        registry.counter("conduit.events.consumed", "transport", transport, "outcome", outcome).increment();
    }

    public void deadLettered(String transport) {
        registry.counter("conduit.events.dead.lettered", "transport", transport).increment();
    }

    void effect(Instant occurredAt) {
        Duration delay = Duration.between(occurredAt, Instant.now());
        if (!delay.isNegative()) {
            commitToEffect.record(delay);
        }
    }

    void outboxBacklog(long rows, long parked) {
        outboxBacklog.set(rows);
        parkedAggregates.set(parked);
    }

    void relayBuckets(int buckets) {
        relayBuckets.set(buckets);
    }

    void consumerBacklog(long messages) {
        consumerBacklog.set(messages);
    }

    public Counter counter(String name, String... tags) {
        return registry.counter(name, tags);
    }
}
