-- Idempotency keys (docs/api.md, "Idempotency keys"): the first successful response to a write sent with an
-- Idempotency-Key header, stored in the same transaction as the write's effects and replayed to retries for
-- 24 hours. scope is 'user:<id>' or 'anonymous'; request_hash is SHA-256 of method, path, query and body.
SET lock_timeout = '5s';

CREATE TABLE idempotency_keys (
    scope         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    status        smallint,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
-- the hourly clean-up of keys older than 24 hours
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
