package io.conduitscale.platform.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Redis, when {@code CONDUIT_REDIS_URL} is set: a Lettuce connection with short timeouts that
 * rejects commands while disconnected (instead of queueing them), and a circuit breaker around it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${conduit.redis.url:}'.isBlank()")
class RedisConfig {

    @Bean
    LettuceConnectionFactory redisConnectionFactory(RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.url());
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        if (uri.getUsername() != null) {
            server.setUsername(uri.getUsername());
        }
        if (uri.getPassword() != null) {
            server.setPassword(uri.getPassword());
        }
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(settings.timeout())
                .shutdownTimeout(Duration.ZERO)
                .clientOptions(ClientOptions.builder()
                        .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout().multipliedBy(4)).build())
                        .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                        // fail at once while the connection is down; queued commands would wait for reconnection
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build());
        if (uri.isSsl()) {
            client.useSsl();
        }
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client.build());
        // start without Redis being reachable: the service must come up during a Redis outage too
        factory.setEagerInitialization(false);
        return factory;
    }

    @Bean
    StringRedisTemplate stringRedisTemplate(LettuceConnectionFactory connections) {
        return new StringRedisTemplate(connections);
    }

    @Bean
    RedisMessageListenerContainer redisListenerContainer(LettuceConnectionFactory connections) {
        ExecutorService invalidations = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("cache-invalidations").factory());
        RedisMessageListenerContainer container = new RedisMessageListenerContainer() {
            @Override
            public void destroy() throws Exception {
                try {
                    super.destroy();
                } finally {
                    invalidations.shutdownNow();
                }
            }
        };
        container.setConnectionFactory(connections);
        container.setRecoveryInterval(1000);
        // One thread, in arrival order. The container's default starts a new thread per message, so two
        // invalidations could be applied out of order: Caches reads that as a gap in the sequence and
        // empties the whole local tier (49 times in a burst of 500 invalidations: RedisCacheTest).
        container.setTaskExecutor(invalidations);
        // started by the cache's invalidation channel, which keeps trying while Redis is unreachable:
        // started here, a Redis outage at boot would stop the whole instance from starting
        container.setAutoStartup(false);
        return container;
    }

    @Bean
    RedisGuard redisGuard(MeterRegistry registry) {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        CircuitBreaker breaker = breakers.circuitBreaker("redis");
        return new RedisGuard(breaker, registry);
    }
}
