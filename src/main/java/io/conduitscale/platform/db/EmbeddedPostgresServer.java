package io.conduitscale.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL 17 (zonky's binaries) whose data directory lives under
 * {@code CONDUIT_DATA_DIR}, so users, articles and sessions survive a restart. It listens on
 * loopback on its own port, never the machine's 5432. One process per data directory: PostgreSQL's
 * own lock file refuses a second one.
 */
public final class EmbeddedPostgresServer implements DatabaseEndpoint, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        try {
            Path pgData = dataDirectory.resolve("postgres");
            Files.createDirectories(pgData);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    // Spring stops it after the drain and the last request; zonky's own JVM hook
                    // would stop it at the first moment of SIGTERM, under requests still being served
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            log.warn("No CONDUIT_DB_URL set: started the embedded PostgreSQL on 127.0.0.1:{} with data in {}. "
                    + "Fine for development; production uses a managed PostgreSQL.", postgres.getPort(), pgData);
            return new EmbeddedPostgresServer(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
