package io.conduitscale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.db.DataSourceConfig.PooledDataSource;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With every pooled connection taken, a request is refused within about a second, not queued for 30. */
@IntegrationTest
class PoolExhaustionTest {

    @LocalServerPort
    int port;
    @Autowired
    PooledDataSource dataSource;

    @Test
    void anExhaustedPoolAnswers503WithRetryAfterQuickly() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        withPoolExhausted(() -> assertBusy(api, api.request("/api/tags", null).GET()));
        assertThat(api.get("/api/tags").status()).isEqualTo(200);
    }

    /** The token check runs in Spring Security's filter chain, before Spring MVC's exception handlers. */
    @Test
    void aTokenCheckThatCannotReachTheDatabaseAnswers503() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("busy"));
        withPoolExhausted(() -> assertBusy(api, api.request("/api/user", token).GET()));
        assertThat(api.get("/api/user", token).status()).isEqualTo(200);
    }

    /** The idempotency filter claims the key in its own transaction, outside Spring MVC. */
    @Test
    void anIdempotentWriteThatCannotClaimItsKeyAnswers503AndCanBeRetried() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("busy"));
        assertThat(api.get("/api/user", token).status()).isEqualTo(200); // token state cached: the filter is reached
        String article = """
                {"article":{"title":"busy","description":"d","body":"b","tagList":[]}}""";
        java.util.function.Supplier<java.net.http.HttpRequest.Builder> create = () -> api.request("/api/articles", token)
                .header("Content-Type", "application/json").header("Idempotency-Key", "busy-key")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(article));

        withPoolExhausted(() -> assertBusy(api, create.get()));

        ApiClient.Response retried = api.send(create.get());
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isNull();
    }

    private static void assertBusy(ApiClient api, java.net.http.HttpRequest.Builder request) {
        long started = System.nanoTime();
        ApiClient.Response response = api.send(request);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.status()).as(response.text()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.json().get("errors").get("body").get(0).asString()).contains("busy");
        assertThat(millis).as("time to refuse, ms").isLessThan(5_000);
    }

    private void withPoolExhausted(Runnable action) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < dataSource.pool().getMaximumPoolSize(); i++) {
                held.add(dataSource.pool().getConnection());
            }
            action.run();
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
    }
}
