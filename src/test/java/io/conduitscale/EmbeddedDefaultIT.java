package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.ConduitProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The jar with nothing configured: it starts its embedded PostgreSQL and signing key under ./data,
 * drains on SIGTERM (readiness DOWN while still serving), exits cleanly, and after a restart the
 * same users and tokens are still valid.
 */
class EmbeddedDefaultIT {

    @Test
    void drainsOnSigtermAndKeepsUsersAndTokensAcrossARestart() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "embedded-it-").toAbsolutePath();
        Map<String, String> environment = Map.of("CONDUIT_SHUTDOWN_DRAIN", "4s", "CONDUIT_HTTP_ACCESS_LOG", "true");
        String username = ApiClient.unique("persistent");
        String token;
        int port;

        try (ConduitProcess first = ConduitProcess.start(environment, work).awaitReady(Duration.ofSeconds(90))) {
            ApiClient api = first.api();
            port = first.port();
            token = api.register(username);
            assertThat(first.output())
                    .contains("started the embedded PostgreSQL")
                    .contains("generated a signing key")
                    // JSON log lines written while serving a request carry its id
                    .containsPattern("\"requestId\":\"[0-9a-f-]{36}\"");
            assertThat(Files.exists(work.resolve("data/postgres/PG_VERSION"))).isTrue();
            assertThat(Files.exists(work.resolve("data/jwt-signing-key.json"))).isTrue();

            first.terminate();
            // readiness turns DOWN at once, while requests are still served during the drain
            awaitReadiness(api, 503, Duration.ofSeconds(3));
            assertThat(api.get("/api/tags").status()).isEqualTo(200);
            assertThat(api.get("/api/user", token).status()).isEqualTo(200);
            // 143 = 128 + SIGTERM: how a JVM reports an orderly exit on that signal
            assertThat(first.awaitExit(Duration.ofSeconds(40))).isIn(0, 143);
            String output = first.output();
            assertThat(output).contains("readiness is DOWN, still serving for 4000 ms").contains("Graceful shutdown complete");
            // the embedded database stops last, after the pool
            assertThat(output.lastIndexOf("server stopped")).isGreaterThan(output.indexOf("primary - Shutdown completed"));
        }

        try (ConduitProcess second = ConduitProcess.start(environment, work, port).awaitReady(Duration.ofSeconds(90))) {
            ApiClient.Response me = second.api().get("/api/user", token);
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("user").get("username").asString()).isEqualTo(username);
            assertThat(second.output()).doesNotContain("generated a signing key");
        }
    }

    private static void awaitReadiness(ApiClient api, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = api.get("/actuator/health/readiness").status();
            if (last == status) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("readiness stayed " + last + ", expected " + status);
    }
}
