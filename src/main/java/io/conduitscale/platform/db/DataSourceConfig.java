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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
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
    PooledDataSource dataSource(DatabaseEndpoint endpoint, DatabaseProperties properties, MeterRegistry registry,
                                ObjectProvider<CommitPositions> positions) {
        HikariDataSource pool = pool(PRIMARY_POOL, endpoint, properties.pool(), properties, registry, config -> {});
        List<String> replicaUrls = properties.replica().configuredUrls();
        if (replicaUrls.isEmpty()) {
            return new PooledDataSource(pool, StatementCounter.wrap(pool, PRIMARY_POOL, registry), List.of(), null);
        }
        DataSource primary = StatementCounter.wrap(pool, PRIMARY_POOL, registry,
                new PositionPublishingTransactionManager.WriteDetector());
        List<ReplicaPool> replicas = new ArrayList<>();
        for (int i = 0; i < replicaUrls.size(); i++) {
            replicas.add(replicaPool("replica-" + (i + 1), replicaUrls.get(i), endpoint, properties, registry));
        }
        DatabaseProperties.Replicas settings = properties.replica();
        ReadRouter router = new ReadRouter(primary, replicas, positions.getObject(), properties.readConsistency(),
                settings.maxWait(), registry);
        return new PooledDataSource(pool, primary, replicas, router);
    }

    /**
     * A replica's pool: its own name and {@code application_name}, its own size, and timeouts short enough
     * that a dead or frozen replica costs a read at most {@code CONDUIT_DB_REPLICA_TIMEOUT} before the read
     * is retried on the primary. It may be unreachable when the instance starts: the monitor puts it in
     * rotation once it answers.
     */
    private static ReplicaPool replicaPool(String name, String url, DatabaseEndpoint primary, DatabaseProperties properties,
                                           MeterRegistry registry) {
        DatabaseProperties.Replicas settings = properties.replica();
        DatabaseEndpoint endpoint = new DatabaseEndpoint.Configured(url,
                settings.user() == null || settings.user().isBlank() ? primary.user() : settings.user(),
                settings.password() == null || settings.password().isBlank() ? primary.password() : settings.password());
        long timeout = settings.timeout().toMillis();
        int seconds = (int) Math.max(1, (timeout + 999) / 1000);
        long connectionTimeout = Math.max(250, Math.min(timeout, settings.pool().connectionTimeout().toMillis()));
        HikariDataSource pool = pool(name, endpoint, settings.pool().asPool(), properties, registry, config -> {
            config.setConnectionTimeout(connectionTimeout);
            // checking an idle connection of a frozen replica hangs for this long: no longer than a read waits
            config.setValidationTimeout(connectionTimeout);
            config.setInitializationFailTimeout(-1);
            // pgjdbc's timeouts are whole seconds: a read, a login or a connect that hangs fails after this
            config.addDataSourceProperty("socketTimeout", seconds);
            config.addDataSourceProperty("connectTimeout", seconds);
            config.addDataSourceProperty("loginTimeout", seconds);
        });
        return new ReplicaPool(name, pool, StatementCounter.wrap(pool, name, registry), settings.timeout(), registry);
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

    static HikariDataSource pool(String name, DatabaseEndpoint endpoint, DatabaseProperties.Pool pool,
                                 DatabaseProperties properties, MeterRegistry registry,
                                 Consumer<HikariConfig> customizer) {
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
        customizer.accept(config);
        return new HikariDataSource(config);
    }

    /**
     * The data source the application uses: the primary's counting pool behind a
     * LazyConnectionDataSourceProxy, with the read router as its read-only data source when replicas are
     * configured. Holds the pools it must close on shutdown.
     */
    public static final class PooledDataSource extends DelegatingDataSource implements Closeable {

        private final HikariDataSource pool;
        private final DataSource primary;
        private final List<ReplicaPool> replicas;

        PooledDataSource(HikariDataSource pool, DataSource counted, List<ReplicaPool> replicas, ReadRouter router) {
            // a transaction takes a connection at its first statement, not at its start: a read served
            // entirely from the cache never touches the pool (nor a replica, nor the commit-position marker)
            super(lazy(counted, router));
            this.pool = pool;
            this.primary = counted;
            this.replicas = List.copyOf(replicas);
        }

        private static DataSource lazy(DataSource counted, ReadRouter router) {
            LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(counted);
            if (router != null) {
                // Spring's own switch: read-only transactions take their connection from here
                proxy.setReadOnlyDataSource(router);
            }
            return proxy;
        }

        public HikariDataSource pool() {
            return pool;
        }

        /** The primary, never a replica: for work that must see its own writes at once (the replica monitor). */
        DataSource primary() {
            return primary;
        }

        List<ReplicaPool> replicas() {
            return replicas;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return obtainTargetDataSource().getConnection();
        }

        @Override
        public void close() throws IOException {
            replicas.forEach(replica -> replica.pool().close());
            pool.close();
        }
    }
}
