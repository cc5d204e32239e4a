package io.conduitscale.platform.idempotency;

import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code idempotency_keys} table: claims, stored responses, and their expiry. */
@Repository
class IdempotencyKeys {

    /** A stored outcome; {@code status} is null while the first request's transaction has not committed. */
    record Stored(byte[] requestHash, Integer status, String contentType, byte[] body) {}

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the key inside the caller's transaction. If another transaction holds an uncommitted claim,
     * this waits for it (the primary key's uniqueness check), up to the statement timeout. An expired row
     * is replaced. False if a live claim or response already exists.
     */
    boolean claim(String scope, String key, byte[] requestHash, Duration retention) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE scope = :scope AND key = :key AND created_at < now() - :retention::interval")
                .param("scope", scope).param("key", key).param("retention", retention.toSeconds() + " seconds")
                .update();
        return jdbc.sql("""
                        INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (:scope, :key, :hash)
                        ON CONFLICT (scope, key) DO NOTHING
                        """)
                .param("scope", scope).param("key", key).param("hash", requestHash)
                .update() == 1;
    }

    Optional<Stored> find(String scope, String key) {
        return jdbc.sql("SELECT request_hash, status, content_type, body FROM idempotency_keys WHERE scope = :scope AND key = :key")
                .param("scope", scope).param("key", key)
                .query((rs, row) -> new Stored(rs.getBytes("request_hash"), (Integer) rs.getObject("status"),
                        rs.getString("content_type"), rs.getBytes("body")))
                .optional();
    }

    void storeResponse(String scope, String key, int status, String contentType, byte[] body) {
        jdbc.sql("UPDATE idempotency_keys SET status = :status, content_type = :type, body = :body WHERE scope = :scope AND key = :key")
                .param("status", status).param("type", contentType).param("body", body)
                .param("scope", scope).param("key", key)
                .update();
    }

    /** Deletes up to {@code batch} expired keys; returns how many. */
    int deleteExpired(Duration retention, int batch) {
        return jdbc.sql("""
                        DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
                            SELECT ctid FROM idempotency_keys WHERE created_at < now() - :retention::interval LIMIT :batch))
                        """)
                .param("retention", retention.toSeconds() + " seconds").param("batch", batch)
                .update();
    }
}
