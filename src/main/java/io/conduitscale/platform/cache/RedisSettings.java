package io.conduitscale.platform.cache;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Redis shared by all instances ({@code CONDUIT_REDIS_*}): the cache's shared tier, its
 * invalidation channel, the rate limiters' buckets.
 *
 * @param url     {@code redis://host:6379}, or {@code rediss://:token@host:6379} for TLS with an auth
 *                token; unset means no Redis (in-process cache and limits, correct for one instance)
 * @param timeout a command slower than this counts as failed: Redis is an optimisation, never worth
 *                waiting for, and a frozen Redis must not hold requests
 */
@ConfigurationProperties("conduit.redis")
public record RedisSettings(String url, @DefaultValue("250ms") Duration timeout) {

    public boolean configured() {
        return url != null && !url.isBlank();
    }
}
