package io.conduitscale.platform.ratelimit;

import io.conduitscale.platform.cache.Caches;
import io.conduitscale.platform.cache.RedisGuard;
import io.conduitscale.platform.cache.RedisSettings;
import io.conduitscale.platform.security.CurrentUser;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wires the {@link RateLimiter}: shared buckets in Redis when {@code CONDUIT_REDIS_URL} is set (on a
 * connection of their own, with the same short timeouts), and the per-user write limit on every
 * POST, PUT and DELETE under {@code /api}. Login limits are applied by the login itself, which knows
 * the account.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitSettings.class)
class RateLimitConfig implements WebMvcConfigurer {

    private final ObjectProvider<RateLimiter> limiter;

    RateLimitConfig(ObjectProvider<RateLimiter> limiter) {
        this.limiter = limiter;
    }

    @Bean(destroyMethod = "")
    RateLimiter rateLimiter(RateLimitSettings settings, RedisSettings redis, ObjectProvider<RedisGuard> guard,
                            Caches caches, MeterRegistry registry) {
        Supplier<ProxyManager<String>> shared = null;
        if (redis.configured()) {
            RedisClient client = RedisClient.create(RedisURI.create(redis.url()));
            client.setOptions(ClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.enabled(redis.timeout()))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            // connected at first use, not at start: the service must start during a Redis outage too
            shared = new SharedBuckets(() -> {
                StatefulRedisConnection<String, byte[]> connection =
                        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                connection.setTimeout(redis.timeout());
                return Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(settings.period()))
                        .build();
            });
        }
        // buckets are namespaced like cache keys: user 42 of one database is not user 42 of another
        return new RateLimiter(settings, shared, guard.getIfAvailable(), caches.namespace() + ":ratelimit:", registry);
    }

    @Bean
    ClientAddress clientAddress(RateLimitSettings settings) {
        return new ClientAddress(settings.trustedProxies());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                String method = request.getMethod();
                if (method.equals("POST") || method.equals("PUT") || method.equals("DELETE")) {
                    CurrentUser.id().ifPresent(id -> limiter.getObject().check(RateLimiter.Kind.WRITES, id.toString()));
                }
                return true;
            }
        }).addPathPatterns("/api/**");
    }
}
