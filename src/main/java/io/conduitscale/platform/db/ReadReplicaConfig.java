package io.conduitscale.platform.db;

import io.conduitscale.platform.cache.RedisGuard;
import io.conduitscale.platform.db.DataSourceConfig.PooledDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;

/**
 * Read replicas, when {@code CONDUIT_DB_REPLICA_URLS} is set (docs/database.md, "Read replicas"): the
 * shared commit positions, the transaction manager that publishes them, the monitor that keeps replicas
 * in or out of rotation, and the retry of failed replica reads on the primary. The pools and the router
 * themselves are built with the data source (DataSourceConfig). Without replicas none of this exists and
 * every statement goes to the primary, as before.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${conduit.db.replica.urls:}'.isBlank()")
class ReadReplicaConfig {

    /** How long a user's own latest write position is kept for session consistency: far beyond any tolerated lag. */
    private static final Duration USER_POSITION_TTL = Duration.ofMinutes(5);

    @Bean
    CommitPositions commitPositions(ObjectProvider<StringRedisTemplate> redis, ObjectProvider<RedisGuard> guard,
                                    @Lazy JdbcClient jdbc, MeterRegistry registry) {
        StringRedisTemplate template = redis.getIfAvailable();
        RedisGuard redisGuard = guard.getIfAvailable();
        if (template == null || redisGuard == null) {
            return new InProcessCommitPositions(USER_POSITION_TTL);
        }
        return new RedisCommitPositions(template, redisGuard, () -> DatabaseIdentity.cluster(jdbc), USER_POSITION_TTL, registry);
    }

    @Bean
    JdbcTransactionManager transactionManager(PooledDataSource dataSource, CommitPositions positions) {
        return new PositionPublishingTransactionManager(dataSource, positions);
    }

    @Bean
    ReplicaMonitor replicaMonitor(PooledDataSource dataSource, CommitPositions positions, DatabaseProperties properties,
                                  MeterRegistry registry) {
        DatabaseProperties.Replicas settings = properties.replica();
        // a check is one trivial query: it never needs longer than a real read may take
        Duration checkTimeout = settings.checkTimeout().compareTo(settings.timeout()) < 0 ? settings.checkTimeout() : settings.timeout();
        return new ReplicaMonitor(dataSource.replicas(), dataSource.primary(), positions, settings.checkInterval(),
                checkTimeout, settings.maxLag(), registry);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static ReplicaFailover replicaFailover() {
        // its own reader of @Transactional, not the transaction infrastructure's bean: advisors are created
        // while that infrastructure itself is being created
        return new ReplicaFailover(new AnnotationTransactionAttributeSource(false));
    }
}
