package io.conduitscale.platform.db;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Names the PostgreSQL cluster the application runs on, the same from every instance and every replica. */
public final class DatabaseIdentity {

    private DatabaseIdentity() {}

    /**
     * The cluster's system identifier (shared by a primary and its streaming replicas), or, where a managed
     * database refuses {@code pg_control_system()} to non-superusers, the server's address as it sees it.
     */
    public static String cluster(JdbcClient jdbc) {
        try {
            return jdbc.sql("SELECT system_identifier::text FROM pg_control_system()").query(String.class).single();
        } catch (RuntimeException notPermitted) {
            return jdbc.sql("SELECT coalesce(host(inet_server_addr()), 'local') || '-' || coalesce(inet_server_port(), 0)")
                    .query(String.class).single();
        }
    }
}
