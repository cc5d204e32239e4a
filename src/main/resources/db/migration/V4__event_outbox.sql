-- Domain events: the transactional outbox, the relay's bucket leases, parked aggregates, and what each
-- consumer has processed (docs/events.md). New tables only, so nothing here waits on a busy table's lock.
SET lock_timeout = '5s';

-- One row per domain event, inserted in the transaction of the change it describes. seq is the order of
-- commit within one aggregate (DomainEvents takes a per-aggregate advisory lock before inserting).
CREATE TABLE outbox_events (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   uuid        NOT NULL UNIQUE,
    aggregate  text        NOT NULL,
    bucket     smallint    NOT NULL CHECK (bucket BETWEEN 0 AND 63),
    type       text        NOT NULL,
    envelope   jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    attempts   integer     NOT NULL DEFAULT 0,
    last_error text
);
-- the relay's scan: unsent rows in commit order; stays small because sent rows leave it
CREATE INDEX outbox_events_unsent ON outbox_events (seq) WHERE sent_at IS NULL;
-- retention clean-up of sent rows
CREATE INDEX outbox_events_sent_at ON outbox_events (sent_at) WHERE sent_at IS NOT NULL;

-- 64 fixed hash buckets of aggregates. A relay publishes a bucket only while it holds its lease, so one
-- aggregate's events are published by one relay at a time, in order. The lease is committed before any
-- broker call: no transaction stays open across a broker outage.
CREATE TABLE outbox_leases (
    bucket      smallint PRIMARY KEY CHECK (bucket BETWEEN 0 AND 63),
    owner       text,
    lease_until timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO outbox_leases (bucket) SELECT generate_series(0, 63);

-- Aggregates whose event kept failing to publish: their events wait here (visible, counted) until an
-- operator deletes the row; every other aggregate keeps flowing.
CREATE TABLE outbox_parked (
    aggregate text PRIMARY KEY,
    event_id  uuid        NOT NULL,
    reason    text,
    parked_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotent consumers: an event's effects and this row commit together, so a redelivered event is skipped.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);

-- The dead-letter destination of the in-process transport (Kafka and SQS have their own).
CREATE TABLE event_dead_letters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL,
    type        text        NOT NULL,
    aggregate   text        NOT NULL,
    envelope    jsonb       NOT NULL,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
