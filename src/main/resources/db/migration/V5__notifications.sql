-- Notifications for authors (new follower, comment, favorite) and their webhook deliveries (docs/events.md).
SET lock_timeout = '5s';

CREATE TABLE notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL,
    recipient_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    actor_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id   bigint,     -- no foreign key: a notification outlives a deleted article
    comment_id   bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- a second line of defence behind processed_events: one notification per event and recipient
    UNIQUE (event_id, recipient_id)
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, id DESC);

CREATE TABLE webhooks (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    url        text        NOT NULL,
    secret     text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per notification to deliver. id is the delivery id receivers deduplicate on.
CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint      NOT NULL UNIQUE REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
