package io.conduitscale.platform.cache;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Reports the cache as UP, or DEGRADED while Redis is configured but unusable. DEGRADED maps to
 * HTTP 200 and is not part of readiness: without Redis the service is slower, not broken, so no
 * load balancer should take instances out over it.
 */
@Component("cache")
class CacheHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "Redis is configured but unavailable; serving from the database");

    private final Caches caches;

    CacheHealthIndicator(Caches caches) {
        this.caches = caches;
    }

    @Override
    public Health health() {
        String redis = caches.redisStatus();
        Health.Builder health = "degraded".equals(redis) ? Health.status(DEGRADED) : Health.up();
        return health.withDetail("redis", redis).withDetail("circuit", caches.circuitState()).build();
    }
}
