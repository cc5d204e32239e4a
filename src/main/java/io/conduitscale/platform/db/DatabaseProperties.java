package io.conduitscale.platform.db;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

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
 * @param readConsistency   which writes a read served by a replica must see (docs/database.md)
 * @param replica           the read replicas; none by default
 */
@ConfigurationProperties("conduit.db")
public record DatabaseProperties(
        String url,
        String user,
        String password,
        @DefaultValue("true") boolean migrateOnStart,
        @DefaultValue("5s") Duration statementTimeout,
        @DefaultValue("0") int embeddedPort,
        @DefaultValue Pool pool,
        @DefaultValue("strong") ReadConsistency readConsistency,
        @DefaultValue Replicas replica) {

    /** Which writes a read on a replica is guaranteed to see. */
    public enum ReadConsistency {
        /** Every write acknowledged by any instance before the read started. */
        STRONG,
        /** The reader's own writes (per user, or the position a client sends back); others within the lag limit. */
        SESSION
    }

    /**
     * @param urls          JDBC URLs of the read replicas ({@code CONDUIT_DB_REPLICA_URLS}, comma-separated)
     * @param user          replica user; the primary's if unset
     * @param password      replica password; the primary's if unset
     * @param maxWait       ({@code wait}) how long a read may wait for a replica to replay the position it needs
     *                      before it goes to the primary
     * @param maxLag        a replica further behind than this leaves rotation until it catches up
     * @param timeout       a replica that does not answer within this (a health check, a connection, a
     *                      read) is taken out of rotation and the read is served by the primary
     * @param checkInterval how often each replica's reachability and lag are measured
     * @param checkTimeout  a health check unanswered within this takes the replica out of rotation and aborts
     *                      the reads in flight on it (they are retried on the primary): a trivial query, so
     *                      shorter than {@code timeout}, which bounds real reads
     * @param pool          each replica's connection pool (its own defaults: {@link ReplicaPoolSettings})
     */
    public record Replicas(
            @DefaultValue List<String> urls,
            String user,
            String password,
            @Name("wait") @DefaultValue("20ms") Duration maxWait,
            @DefaultValue("1s") Duration maxLag,
            @DefaultValue("1s") Duration timeout,
            @DefaultValue("250ms") Duration checkInterval,
            @DefaultValue("500ms") Duration checkTimeout,
            @DefaultValue ReplicaPoolSettings pool) {

        public List<String> configuredUrls() {
            return urls.stream().map(String::trim).filter(url -> !url.isEmpty()).toList();
        }
    }

    /**
     * A replica's pool: sized like the primary's, but a read waits for a replica connection only 250 ms
     * (HikariCP's minimum) before the primary serves it. A replica that has just stopped leaves its pool
     * empty and refusing new connections, and HikariCP keeps a borrower waiting for its whole connection
     * timeout rather than failing fast; a frozen one makes the check of an idle connection hang for the
     * same time. The drills saw that wait, 1 s by the primary's default, as the replica drill's tail.
     */
    public record ReplicaPoolSettings(
            @DefaultValue("10") int maxSize,
            @DefaultValue("10") int minIdle,
            @DefaultValue("250ms") Duration connectionTimeout,
            @DefaultValue("30m") Duration maxLifetime) {

        Pool asPool() {
            return new Pool(maxSize, minIdle, connectionTimeout, maxLifetime);
        }
    }

    /**
     * @param maxSize           connections at most; see docs/database.md for the sizing rule
     * @param minIdle           connections kept open when idle; by default the maximum (a fixed-size pool, as
     *                          HikariCP recommends): a new instance that must first grow its pool under a
     *                          sudden full share of traffic makes its first requests wait past the timeout
     * @param connectionTimeout how long a request waits for a free connection before it gets a 503:
     *                          failing fast beats queueing behind an exhausted pool
     * @param maxLifetime       connections are replaced after this, below any proxy's or server's cut-off
     */
    public record Pool(
            @DefaultValue("10") int maxSize,
            @DefaultValue("10") int minIdle,
            @DefaultValue("1s") Duration connectionTimeout,
            @DefaultValue("30m") Duration maxLifetime) {}

    public boolean embedded() {
        return url == null || url.isBlank();
    }
}
