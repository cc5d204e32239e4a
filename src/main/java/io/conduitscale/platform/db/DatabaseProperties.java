package io.conduitscale.platform.db;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The primary database ({@code CONDUIT_DB_*}). With no URL the embedded PostgreSQL is started.
 *
 * @param url               JDBC URL of the primary, e.g. {@code jdbc:postgresql://host:5432/conduit}
 * @param user              database user
 * @param password          database password
 * @param migrateOnStart    run Flyway migrations when an API instance starts (off in production,
 *                          where the one-shot {@code CONDUIT_ROLE=migrate} task does it before a deploy)
 * @param statementTimeout  server-side cap on any one statement
 * @param embeddedPort      port of the embedded PostgreSQL; 0 picks a free one
 * @param pool              the primary's connection pool
 */
@ConfigurationProperties("conduit.db")
public record DatabaseProperties(
        String url,
        String user,
        String password,
        @DefaultValue("true") boolean migrateOnStart,
        @DefaultValue("5s") Duration statementTimeout,
        @DefaultValue("0") int embeddedPort,
        @DefaultValue Pool pool) {

    /**
     * @param maxSize           connections at most; see docs/database.md for the sizing rule
     * @param minIdle           connections kept open when idle
     * @param connectionTimeout how long a request waits for a free connection before it gets a 503:
     *                          failing fast beats queueing behind an exhausted pool
     * @param maxLifetime       connections are replaced after this, below any proxy's or server's cut-off
     */
    public record Pool(
            @DefaultValue("10") int maxSize,
            @DefaultValue("2") int minIdle,
            @DefaultValue("1s") Duration connectionTimeout,
            @DefaultValue("30m") Duration maxLifetime) {}

    public boolean embedded() {
        return url == null || url.isBlank();
    }
}
