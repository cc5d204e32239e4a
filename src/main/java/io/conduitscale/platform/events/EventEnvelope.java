package io.conduitscale.platform.events;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A domain event as it travels: outbox row, broker message and consumer input are this JSON object
 * (schema in docs/events.md). {@code data} carries ids, never personal data such as emails.
 *
 * @param version     envelope version; consumers refuse versions they do not know
 * @param id          unique per event; consumers deduplicate on it
 * @param type        e.g. {@code article.created}
 * @param aggregate   {@code <kind>:<id>}, e.g. {@code article:42}; events of one aggregate arrive in order
 * @param occurredAt  commit-time clock of the writing instance (UTC)
 * @param traceparent W3C trace context of the request that caused the event
 */
public record EventEnvelope(int version, UUID id, String type, String aggregate, Instant occurredAt,
                            String traceparent, JsonNode data) {

    public static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A new event about {@code <aggregateKind>:<aggregateId>}, in the current request's trace. */
    public static EventEnvelope create(String type, String aggregateKind, long aggregateId, Object data) {
        return new EventEnvelope(VERSION, UUID.randomUUID(), type, aggregateKind + ":" + aggregateId, Instant.now(),
                TraceContext.current(), toTree(data));
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static EventEnvelope fromJson(String json) {
        EventEnvelope envelope = JSON.readValue(json, EventEnvelope.class);
        if (envelope.version() != VERSION || envelope.id() == null || envelope.type() == null || envelope.aggregate() == null) {
            throw new IllegalArgumentException("not a version " + VERSION + " event envelope: " + json);
        }
        return envelope;
    }

    static JsonNode toTree(Object data) {
        return JSON.valueToTree(data);
    }

    /** One of the 64 relay buckets; String.hashCode is fixed by the Java spec, so every instance agrees. */
    public static int bucketOf(String aggregate) {
        return Math.floorMod(aggregate.hashCode(), OutboxRelay.BUCKETS);
    }

    public long dataLong(String field) {
        return data.get(field).asLong();
    }
}
