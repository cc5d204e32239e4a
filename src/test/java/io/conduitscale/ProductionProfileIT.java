package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.security.SigningKeyGenerator;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.ConduitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONDUIT_PROFILE=production: the process refuses to start while a mandatory setting is missing,
 * naming each one; the one-shot migrate role migrates and exits 0; and API instances then start
 * without migrating themselves.
 */
class ProductionProfileIT {

    static EmbeddedPostgres database;
    static Path work;

    @BeforeAll
    static void startDatabase() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), "production-it-").toAbsolutePath();
        database = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        database.close();
    }

    @Test
    void refusesToStartAndNamesEveryMissingSetting() throws Exception {
        try (ConduitProcess process = ConduitProcess.start(Map.of("CONDUIT_PROFILE", "production"), work)) {
            assertThat(process.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(process.output())
                    .contains("CONDUIT_PROFILE=production requires")
                    .contains("CONDUIT_DB_URL", "CONDUIT_DB_USER", "CONDUIT_DB_PASSWORD",
                            "CONDUIT_JWT_ISSUER", "CONDUIT_JWT_SIGNING_KEY", "CONDUIT_REDIS_URL (or CONDUIT_CACHE=local")
                    .doesNotContain("started the embedded PostgreSQL");
        }
        Map<String, String> onlyDatabase = new HashMap<>(databaseSettings());
        onlyDatabase.put("CONDUIT_PROFILE", "production");
        try (ConduitProcess process = ConduitProcess.start(onlyDatabase, work)) {
            assertThat(process.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(process.output()).contains("missing: CONDUIT_JWT_ISSUER, CONDUIT_JWT_SIGNING_KEY, CONDUIT_REDIS_URL");
        }
    }

    @Test
    void migrateRoleMigratesAndExitsThenInstancesStartWithoutMigrating() throws Exception {
        Map<String, String> migrate = new HashMap<>(databaseSettings());
        migrate.put("CONDUIT_PROFILE", "production");
        migrate.put("CONDUIT_ROLE", "migrate");
        try (ConduitProcess process = ConduitProcess.start(migrate, work)) {
            assertThat(process.awaitExit(Duration.ofSeconds(90))).as(process.output()).isZero();
            assertThat(process.output()).contains("Successfully applied");
        }
        assertThat(appliedMigrations()).isGreaterThanOrEqualTo(2);

        Map<String, String> api = new HashMap<>(databaseSettings());
        api.put("CONDUIT_PROFILE", "production");
        api.put("CONDUIT_JWT_ISSUER", "https://conduit.example");
        api.put("CONDUIT_JWT_SIGNING_KEY", SigningKeyGenerator.newPrivateJwk().toJSONString());
        api.put("CONDUIT_SHUTDOWN_DRAIN", "0s");
        // one instance, knowingly without Redis
        api.put("CONDUIT_CACHE", "local");
        try (ConduitProcess process = ConduitProcess.start(api, work).awaitReady(Duration.ofSeconds(90))) {
            String token = process.api().register(ApiClient.unique("prod"));
            assertThat(process.api().get("/api/user", token).status()).isEqualTo(200);
            assertThat(process.output()).doesNotContain("Migrating schema").doesNotContain("embedded PostgreSQL");
        }
    }

    private static Map<String, String> databaseSettings() {
        return Map.of("CONDUIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                "CONDUIT_DB_USER", "postgres",
                "CONDUIT_DB_PASSWORD", "unused-with-trust-auth");
    }

    private static int appliedMigrations() throws Exception {
        try (Connection connection = database.getPostgresDatabase().getConnection();
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
