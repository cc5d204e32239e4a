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
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < dataSource.pool().getMaximumPoolSize(); i++) {
                held.add(dataSource.pool().getConnection());
            }
            long started = System.nanoTime();
            ApiClient.Response response = api.get("/api/tags");
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("1");
            assertThat(response.json().get("errors").get("body").get(0).asString()).contains("busy");
            assertThat(millis).as("time to refuse, ms").isLessThan(5_000);
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        assertThat(api.get("/api/tags").status()).isEqualTo(200);
    }
}
