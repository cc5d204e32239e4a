package io.conduitscale.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The primary database: an explicitly configured HikariCP pool named {@code primary}, reporting
 * {@code application_name=conduit-primary} to PostgreSQL, with a one-second connection timeout (an
 * exhausted pool answers 503 instead of queueing requests) and a server-side statement timeout.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
public class DataSourceConfig {

    static final String PRIMARY_POOL = "primary";

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${conduit.db.url:}'.isBlank()")
    EmbeddedPostgresServer embeddedDatabase(DatabaseProperties properties,
                                            @Value("${conduit.data-dir:./data}") Path dataDirectory) {
        return EmbeddedPostgresServer.start(dataDirectory, properties.embeddedPort());
    }

    @Bean
    @ConditionalOnExpression("!'${conduit.db.url:}'.isBlank()")
    DatabaseEndpoint configuredDatabase(DatabaseProperties properties) {
        return new DatabaseEndpoint.Configured(properties.url(), properties.user(), properties.password());
    }

    @Bean(destroyMethod = "close")
    PooledDataSource dataSource(DatabaseEndpoint endpoint, DatabaseProperties properties, MeterRegistry registry) {
        HikariDataSource pool = pool(PRIMARY_POOL, endpoint, properties, registry);
        return new PooledDataSource(pool, StatementCounter.wrap(pool, PRIMARY_POOL, registry));
    }

    /**
     * Flyway connects on its own, not through the application's pool: migrations must not inherit
     * the pool's statement timeout (an index build takes as long as it takes; {@code lock_timeout}
     * is what keeps it from blocking traffic), and behind a transaction-pooling proxy they need a
     * direct session. {@code application_name=conduit-migrate} makes them visible in pg_stat_activity.
     */
    @Bean
    FlywayConfigurationCustomizer migrationConnection(DatabaseEndpoint endpoint) {
        return configuration -> {
            String url = endpoint.jdbcUrl() + (endpoint.jdbcUrl().contains("?") ? "&" : "?")
                    + "ApplicationName=conduit-migrate";
            configuration.dataSource(url, endpoint.user(), endpoint.password());
        };
    }

    static HikariDataSource pool(String name, DatabaseEndpoint endpoint, DatabaseProperties properties,
                                 MeterRegistry registry) {
        DatabaseProperties.Pool pool = properties.pool();
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(endpoint.jdbcUrl());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setMaximumPoolSize(pool.maxSize());
        config.setMinimumIdle(Math.min(pool.minIdle(), pool.maxSize()));
        config.setConnectionTimeout(pool.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.min(pool.connectionTimeout().toMillis(), 1000));
        config.setMaxLifetime(pool.maxLifetime().toMillis());
        config.addDataSourceProperty("ApplicationName", "conduit-" + name);
        // a startup parameter rather than a SET after connecting, so it costs no round trip
        config.addDataSourceProperty("options", "-c statement_timeout=" + properties.statementTimeout().toMillis());
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        return new HikariDataSource(config);
    }

    /** The counting proxy the application uses, holding the pool it must close on shutdown. */
    public static final class PooledDataSource extends DelegatingDataSource implements Closeable {

        private final HikariDataSource pool;

        PooledDataSource(HikariDataSource pool, DataSource counted) {
            // a transaction takes a connection at its first statement, not at its start: a read served
            // entirely from the cache never touches the pool
            super(new LazyConnectionDataSourceProxy(counted));
            this.pool = pool;
        }

        public HikariDataSource pool() {
            return pool;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return obtainTargetDataSource().getConnection();
        }

        @Override
        public void close() throws IOException {
            pool.close();
        }
    }
}
