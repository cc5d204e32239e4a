package io.conduitscale.platform.cache;

import io.conduitscale.platform.db.DatabaseIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/** Builds the {@link Caches}: with Redis when {@code CONDUIT_REDIS_URL} is set, in-process otherwise. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CacheSettings.class, RedisSettings.class})
class CacheConfig {

    private static final Logger log = LoggerFactory.getLogger(CacheConfig.class);
    /** Bump when the shape of a cached value changes, so two releases never read each other's entries. */
    static final int FORMAT = 1;

    @Bean
    Caches caches(ObjectMapper json, CacheSettings settings, ObjectProvider<StringRedisTemplate> redis,
                  ObjectProvider<RedisGuard> guard, JdbcClient jdbc, MeterRegistry registry) {
        StringRedisTemplate template = redis.getIfAvailable();
        if (template == null) {
            log.info("No CONDUIT_REDIS_URL: caching in-process only, which is correct for a single instance");
        }
        return new Caches(json, settings, template, guard.getIfAvailable(), namespace(jdbc), registry);
    }

    /**
     * Keys start with the database's identity and schema version: a Redis shared by several databases,
     * or by two releases during a rolling deploy, never serves one of them the other's rows.
     */
    static String namespace(JdbcClient jdbc) {
        String cluster = DatabaseIdentity.cluster(jdbc);
        String database = jdbc.sql("SELECT current_database()").query(String.class).single();
        String schema = jdbc.sql("SELECT coalesce(max(version), '0') FROM flyway_schema_history WHERE success")
                .query(String.class).optional().orElse("0");
        return "conduit:" + cluster + ":" + database + ":s" + schema + ":f" + FORMAT;
    }

    /**
     * Subscribes to the invalidation channel and sends the heartbeat that proves it alive.
     * <p>
     * Redis may be down when the instance boots (an autoscaled task starting during a Redis outage):
     * the subscription is then retried every second in the background, and until it succeeds no
     * heartbeat arrives, so the cache serves nothing from the local tier and stays correct.
     */
    @Bean
    SmartLifecycle cacheInvalidationChannel(Caches caches, ObjectProvider<RedisMessageListenerContainer> container,
            ObjectProvider<StringRedisTemplate> redis) {
        return new SmartLifecycle() {
            private final Logger log = LoggerFactory.getLogger("io.conduitscale.platform.cache.InvalidationChannel");
            private ScheduledExecutorService heartbeat;
            private RedisMessageListenerContainer listeners;

            @Override
            public void start() {
                listeners = container.getIfAvailable();
                if (listeners == null) {
                    return;
                }
                listeners.addMessageListener((message, pattern) -> caches.onChannelMessage(Caches.decode(message.getBody())),
                        new ChannelTopic(caches.channel()));
                heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cache-heartbeat").factory());
                heartbeat.scheduleWithFixedDelay(this::subscribeAndBeat, 0, 1, TimeUnit.SECONDS);
            }

            private void subscribeAndBeat() {
                if (!listeners.isRunning()) {
                    // the container is started only once Redis answers: started against an unreachable
                    // Redis it fails (or waits for its subscription); once running, it recovers by itself
                    try {
                        redis.getObject().execute(RedisConnection::ping);
                        listeners.start();
                        log.info("subscribed to the cache invalidation channel");
                    } catch (RuntimeException e) {
                        log.warn("cannot subscribe to the cache invalidation channel yet, retrying: {}", e.toString());
                        return;
                    }
                }
                caches.heartbeat();
            }

            @Override
            public void stop() {
                if (heartbeat != null) {
                    heartbeat.shutdownNow();
                    heartbeat = null;
                }
                if (listeners != null && listeners.isRunning()) {
                    listeners.stop();
                }
            }

            @Override
            public boolean isRunning() {
                return heartbeat != null;
            }
        };
    }
}
